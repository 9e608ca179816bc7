package dev.moat.decoy.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Alerts as JSON lines in Falco's {@code json_output} shape ({@code hostname, output, output_fields, priority, rule,
 * source, tags, time}), so falcosidekick and pipelines built for Falco take them. Field mapping: docs/decoys.md ("Decoy alerts").
 */
public final class FalcoJsonSink extends JsonLinesSink {

  static final DateTimeFormatter RFC3339_NANOS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter OUTPUT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  private final String hostname;

  public FalcoJsonSink(String name, OutputStream out, String hostname) {
    super(name, out);
    this.hostname = Objects.requireNonNull(hostname, "hostname");
  }

  @Override
  String line(SpooledAlert alert) {
    return render(alert, hostname);
  }

  /** Falco's priority names (falco.org, rules: priority), from the alert's severity. */
  public static String priority(AlertSeverity severity) {
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

  public static String render(SpooledAlert spooled, String hostname) {
    Alert a = spooled.alert();
    String priority = priority(a.severity());
    ObjectNode n = AlertJson.MAPPER.createObjectNode();
    n.put("hostname", hostname);
    n.put("output", OUTPUT_TIME.format(a.time()) + ": " + priority + " " + summary(a));
    ObjectNode f = n.putObject("output_fields");
    f.put("evt.time", a.time().getEpochSecond() * 1_000_000_000L + a.time().getNano());
    f.put("fd.cip", a.sourceIp());
    f.put("fd.cport", a.sourcePort());
    f.put("fd.l4proto", "tcp");
    f.put("k8s.ns.name", a.namespace());
    f.put("k8s.svc.name", a.service());
    f.put("moat.action", a.action());
    f.put("moat.alert.id", spooled.id());
    f.put("moat.count", a.count());
    f.put("moat.decoy.name", a.decoyName());
    f.put("moat.decoy.type", a.decoyType());
    f.put("moat.excerpt", a.excerpt());
    f.put("moat.mitre", a.mitreTechnique());
    f.put("moat.protocol", a.protocol());
    new TreeMap<>(a.fields()).forEach((k, v) -> f.put("moat.field." + k, v));
    n.put("priority", priority);
    n.put("rule", "Moat decoy " + a.action());
    n.put("source", "moat-decoy");
    ArrayNode tags = n.putArray("tags");
    if (a.mitreTechnique() != null) {
      tags.add(a.mitreTechnique());
    }
    tags.add("decoy").add("moat").add(a.decoyType());
    n.put("time", RFC3339_NANOS.format(a.time()));
    return n.toString();
  }

  /** The human line: what happened, on which decoy, from whom. */
  static String summary(Alert a) {
    return "Moat decoy " + a.decoyName() + " (" + a.decoyType() + "): " + a.action() + " from " + a.sourceIp() + ":" + a.sourcePort()
        + (a.count() > 1 ? " x" + a.count() : "") + " (excerpt=" + a.excerpt() + ")";
  }
}
