package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The decoys' counters, rendered in Prometheus' text exposition format 0.0.4. Thread-safe; the runtime calls
 * {@link #connectionOpened} per accepted connection, the pipeline counts alerts, delivery failures and drops.
 */
public final class PrometheusMetrics {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Map<List<String>, LongAdder> alerts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> connections = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deliveryFailures = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private volatile LongSupplier spoolBytes = () -> 0;

  /** Counts an alert as the decoy raised it (before noise control), by its count. */
  public void alertRaised(Alert alert) {
    alerts.computeIfAbsent(List.of(alert.decoyName(), alert.decoyType(), alert.action(), alert.severity().jsonName()), k -> new LongAdder())
        .add(Math.max(1, alert.count()));
  }

  public void connectionOpened(String decoyName) {
    connections.computeIfAbsent(decoyName, k -> new LongAdder()).increment();
  }

  /** Makes a sink's failure counter appear (at 0) before its first failure. */
  public void sinkConfigured(String sink) {
    deliveryFailures.computeIfAbsent(sink, k -> new LongAdder());
  }

  public void deliveryFailed(String sink) {
    deliveryFailures.computeIfAbsent(sink, k -> new LongAdder()).increment();
  }

  public void alertsDropped(long n) {
    dropped.add(n);
  }

  public void spoolBytes(LongSupplier supplier) {
    this.spoolBytes = supplier;
  }

  public String render() {
    StringBuilder out = new StringBuilder(1024);
    header(out, "moat_decoy_alerts_total", "Alerts raised by decoys (before noise control).", "counter");
    new TreeMap<String, Long>(labelled(alerts)).forEach((labels, v) -> sample(out, "moat_decoy_alerts_total", labels, v));
    header(out, "moat_decoy_connections_total", "Connections accepted by decoys.", "counter");
    connections.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sample(out, "moat_decoy_connections_total", "decoy=\"" + escape(e.getKey()) + "\"", e.getValue().sum()));
    header(out, "moat_alert_delivery_failures_total", "Failed attempts to deliver an alert to a sink (each is retried).", "counter");
    deliveryFailures.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sample(out, "moat_alert_delivery_failures_total", "sink=\"" + escape(e.getKey()) + "\"", e.getValue().sum()));
    header(out, "moat_alerts_dropped_total", "Undelivered alerts dropped because the spool reached its size bound.", "counter");
    sample(out, "moat_alerts_dropped_total", null, dropped.sum());
    header(out, "moat_alert_spool_bytes", "Bytes in the alert spool on disk.", "gauge");
    sample(out, "moat_alert_spool_bytes", null, spoolBytes.getAsLong());
    return out.toString();
  }

  private static Map<String, Long> labelled(Map<List<String>, LongAdder> alerts) {
    Map<String, Long> out = new TreeMap<>();
    alerts.forEach((k, v) -> out.put("decoy=\"" + escape(k.get(0)) + "\",type=\"" + escape(k.get(1)) + "\",action=\"" + escape(k.get(2))
        + "\",severity=\"" + escape(k.get(3)) + "\"", v.sum()));
    return out;
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, long value) {
    out.append(name);
    if (labels != null) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  /** Label value escaping per the text format: backslash, double quote and line feed. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
