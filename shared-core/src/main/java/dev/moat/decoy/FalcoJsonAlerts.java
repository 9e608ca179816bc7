package dev.moat.decoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Writes alerts as JSON lines in Falco's output format ({@code time, rule, priority, output, output_fields,
 * source, tags, hostname}), so falcosidekick and pipelines built for Falco take them as they are. The writer is
 * the caller's (standard output for {@code moat decoy serve}); each line is written and flushed whole.
 */
public final class FalcoJsonAlerts implements AlertPublisher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'").withZone(ZoneOffset.UTC);

  private final Writer out;
  private final String hostname;

  public FalcoJsonAlerts(Writer out, String hostname) {
    this.out = out;
    this.hostname = hostname;
  }

  /** Falco's priority names for a severity. */
  static String priority(AlertSeverity severity) {
    switch (severity) {
      case CRITICAL:
        return "Critical";
      case HIGH:
        return "Error";
      case MEDIUM:
        return "Warning";
      case LOW:
        return "Notice";
      default:
        return "Informational";
    }
  }

  public static String line(Alert alert, String hostname) {
    ObjectNode event = JSON.createObjectNode();
    event.put("hostname", hostname);
    event.put("output", TIME.format(alert.time()) + ": " + priority(alert.severity()) + " Moat decoy " + alert.decoyName() + " (" + alert.decoyType()
        + "): " + alert.action() + " from " + alert.sourceIp() + ":" + alert.sourcePort()
        + (alert.excerpt().isEmpty() ? "" : " (" + alert.excerpt() + ")") + (alert.count() > 1 ? " x" + alert.count() : ""));
    event.put("priority", priority(alert.severity()));
    event.put("rule", "Moat decoy " + alert.action());
    event.put("source", "moat_decoy");
    event.putArray("tags").add("moat").add("decoy").add(alert.decoyType());
    if (alert.mitreTechnique() != null) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) event.get("tags")).add(alert.mitreTechnique());
    }
    event.put("time", TIME.format(alert.time()));
    ObjectNode fields = event.putObject("output_fields");
    fields.put("evt.time", alert.time().getEpochSecond() * 1_000_000_000L + alert.time().getNano());
    fields.put("fd.cip", alert.sourceIp());
    fields.put("fd.cport", alert.sourcePort());
    fields.put("k8s.ns.name", alert.namespace());
    fields.put("k8s.svc.name", alert.service());
    fields.put("moat.action", alert.action());
    fields.put("moat.count", alert.count());
    fields.put("moat.decoy.name", alert.decoyName());
    fields.put("moat.decoy.type", alert.decoyType());
    fields.put("moat.excerpt", alert.excerpt());
    fields.put("moat.mitre", alert.mitreTechnique());
    fields.put("moat.protocol", alert.protocol());
    fields.put("moat.severity", alert.severity().jsonName());
    for (Map.Entry<String, String> f : new java.util.TreeMap<>(alert.fields()).entrySet()) {
      fields.put("moat.field." + f.getKey(), f.getValue());
    }
    return event.toString();
  }

  @Override
  public synchronized void publish(Alert alert) {
    try {
      out.write(line(alert, hostname));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the alert", e);
    }
  }
}
