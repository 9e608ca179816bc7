package dev.moat.decoy.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moat's own alert JSON: the spool's line format and the generic webhook body. Flat, snake_case, documented in
 * docs/decoys.md ("Decoy alerts"); null fields are written as JSON null.
 */
public final class AlertJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  /** The alert as one line of JSON (no newline), written field by field with Jackson's streaming generator. */
  public static String line(SpooledAlert spooled) {
    return write(g -> {
      Alert a = spooled.alert();
      g.writeStartObject();
      g.writeStringField("id", spooled.id());
      g.writeStringField("time", AlertTime.rfc3339Nanos(a.time()));
      g.writeStringField("decoy_name", a.decoyName());
      g.writeStringField("decoy_type", a.decoyType());
      g.writeStringField("service", a.service());
      g.writeStringField("namespace", a.namespace());
      g.writeStringField("source_ip", a.sourceIp());
      g.writeNumberField("source_port", a.sourcePort());
      g.writeStringField("protocol", a.protocol());
      g.writeStringField("action", a.action());
      g.writeStringField("excerpt", a.excerpt());
      g.writeStringField("severity", a.severity().jsonName());
      g.writeStringField("mitre_technique", a.mitreTechnique());
      g.writeObjectFieldStart("fields");
      for (Map.Entry<String, String> f : sorted(a.fields())) {
        g.writeStringField(f.getKey(), f.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("count", a.count());
      g.writeEndObject();
    });
  }

  /** What a {@link #write} body writes. */
  interface Body {
    void to(JsonGenerator g) throws IOException;
  }

  /** Runs {@code body} on a fresh generator and returns the text; a tree per alert cost a fifth of a decoy's CPU. */
  static String write(Body body) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      body.to(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** A map's entries by key (alert fields are few; most alerts have none). */
  static List<Map.Entry<String, String>> sorted(Map<String, String> fields) {
    if (fields.isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, String>> entries = new ArrayList<>(fields.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    return entries;
  }

  public static SpooledAlert parse(String line) throws java.io.IOException {
    JsonNode n = MAPPER.readTree(line);
    Map<String, String> fields = new LinkedHashMap<>();
    n.path("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
    Alert alert = new Alert(Instant.parse(n.get("time").asText()), n.get("decoy_name").asText(), n.get("decoy_type").asText(),
        text(n, "service"), text(n, "namespace"), text(n, "source_ip"), n.path("source_port").asInt(), text(n, "protocol"),
        n.get("action").asText(), text(n, "excerpt"), AlertSeverity.valueOf(n.get("severity").asText().toUpperCase(java.util.Locale.ROOT)),
        text(n, "mitre_technique"), fields, n.path("count").asInt(1));
    return new SpooledAlert(n.get("id").asText(), alert);
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }
}
