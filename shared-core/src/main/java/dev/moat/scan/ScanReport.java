package dev.moat.scan;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scan of one target found, for the report writers.
 *
 * @param target the target URL
 * @param engine {@code moat} or {@code zap}
 * @param started when the scan began
 * @param finished when it ended
 * @param requestsSent requests sent to the target
 * @param endpoints the endpoints scanned
 * @param findings the de-duplicated findings, worst first
 * @param notes things the user should know that are not findings (an endpoint that timed out, a lockout seen)
 */
public record ScanReport(String target, String engine, Instant started, Instant finished, long requestsSent, List<Endpoint> endpoints,
    List<Finding> findings, List<String> notes) {

  public ScanReport {
    endpoints = List.copyOf(endpoints);
    findings = findings.stream()
        .sorted(Comparator.comparing(Finding::severity).thenComparing(f -> f.type().ordinal()).thenComparing(Finding::url)
            .thenComparing(f -> f.parameter() == null ? "" : f.parameter()))
        .toList();
    notes = List.copyOf(notes);
  }

  /** Findings per severity, every severity present (zero when none). */
  public Map<Severity, Integer> countsBySeverity() {
    Map<Severity, Integer> counts = new TreeMap<>();
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    return counts;
  }

  /** True when any finding is at {@code threshold} or worse. */
  public boolean anyAtLeast(Severity threshold) {
    return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
  }
}
