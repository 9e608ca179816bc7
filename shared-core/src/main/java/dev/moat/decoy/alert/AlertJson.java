package dev.moat.decoy.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moat's own alert JSON: the spool's line format and the generic webhook body. Flat, snake_case, documented in
 * docs/decoys.md ("Decoy alerts"); null fields are written as JSON null.
 */
public final class AlertJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertJson() {}

  public static ObjectNode toJson(SpooledAlert spooled) {
    Alert a = spooled.alert();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", spooled.id());
    n.put("time", a.time().toString());
    n.put("decoy_name", a.decoyName());
    n.put("decoy_type", a.decoyType());
    n.put("service", a.service());
    n.put("namespace", a.namespace());
    n.put("source_ip", a.sourceIp());
    n.put("source_port", a.sourcePort());
    n.put("protocol", a.protocol());
    n.put("action", a.action());
    n.put("excerpt", a.excerpt());
    n.put("severity", a.severity().jsonName());
    n.put("mitre_technique", a.mitreTechnique());
    ObjectNode fields = n.putObject("fields");
    new java.util.TreeMap<>(a.fields()).forEach(fields::put);
    n.put("count", a.count());
    return n;
  }

  public static String line(SpooledAlert spooled) {
    return toJson(spooled).toString();
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
