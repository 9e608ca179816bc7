package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * Alerts as JSON lines in Falco's {@code json_output} shape ({@code hostname, output, output_fields, priority, rule,
 * source, tags, time}), so falcosidekick and pipelines built for Falco take them. Field mapping: docs/decoys.md ("Decoy alerts").
 */
public final class FalcoJsonSink extends JsonLinesSink {


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
    return AlertJson.write(g -> {
      g.writeStartObject();
      g.writeStringField("hostname", hostname);
      g.writeStringField("output", AlertTime.clock(new StringBuilder(160), a.time()).append(": ").append(priority).append(' ').append(summary(a)).toString());
      g.writeObjectFieldStart("output_fields");
      g.writeNumberField("evt.time", a.time().getEpochSecond() * 1_000_000_000L + a.time().getNano());
      g.writeStringField("fd.cip", a.sourceIp());
      g.writeNumberField("fd.cport", a.sourcePort());
      g.writeStringField("fd.l4proto", "tcp");
      g.writeStringField("k8s.ns.name", a.namespace());
      g.writeStringField("k8s.svc.name", a.service());
      g.writeStringField("moat.action", a.action());
      g.writeStringField("moat.alert.id", spooled.id());
      g.writeNumberField("moat.count", a.count());
      g.writeStringField("moat.decoy.name", a.decoyName());
      g.writeStringField("moat.decoy.type", a.decoyType());
      g.writeStringField("moat.excerpt", a.excerpt());
      g.writeStringField("moat.mitre", a.mitreTechnique());
      g.writeStringField("moat.protocol", a.protocol());
      for (Map.Entry<String, String> f : AlertJson.sorted(a.fields())) {
        g.writeStringField("moat.field." + f.getKey(), f.getValue());
      }
      g.writeEndObject();
      g.writeStringField("priority", priority);
      g.writeStringField("rule", "Moat decoy " + a.action());
      g.writeStringField("source", "moat-decoy");
      g.writeArrayFieldStart("tags");
      if (a.mitreTechnique() != null) {
        g.writeString(a.mitreTechnique());
      }
      g.writeString("decoy");
      g.writeString("moat");
      g.writeString(a.decoyType());
      g.writeEndArray();
      g.writeStringField("time", AlertTime.rfc3339Nanos(a.time()));
      g.writeEndObject();
    });
  }

  /** The human line: what happened, on which decoy, from whom. */
  static String summary(Alert a) {
    return "Moat decoy " + a.decoyName() + " (" + a.decoyType() + "): " + a.action() + " from " + a.sourceIp() + ":" + a.sourcePort()
        + (a.count() > 1 ? " x" + a.count() : "") + " (excerpt=" + a.excerpt() + ")";
  }
}
