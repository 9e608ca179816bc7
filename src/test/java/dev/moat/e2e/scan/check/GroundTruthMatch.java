package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.testing.vulnapp.GroundTruth;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Compares what a check reported with the vulnerable app's ground truth, as "METHOD /path parameter" lines. */
final class GroundTruthMatch {

  private GroundTruthMatch() {}

  static String key(GroundTruth t) {
    return t.method() + " " + t.path() + " " + t.parameter();
  }

  /** The finding's endpoint path template relative to {@code base}, with its method and parameter. */
  static String key(Finding f, URI base) {
    String prefix = f.method() + " " + base;
    assertThat(f.endpoint()).startsWith(prefix);
    return f.method() + " " + f.endpoint().substring(prefix.length()) + " " + f.parameter();
  }

  /** Every vulnerable entry found, no safe entry flagged, nothing reported that the ground truth does not list as vulnerable. */
  static void assertMatches(List<Finding> findings, List<GroundTruth> truth, URI base) {
    Set<String> found = findings.stream().map(f -> key(f, base)).collect(Collectors.toSet());
    Set<String> vulnerable = truth.stream().filter(GroundTruth::vulnerable).map(GroundTruthMatch::key).collect(Collectors.toSet());
    Set<String> safe = truth.stream().filter(t -> !t.vulnerable()).map(GroundTruthMatch::key).collect(Collectors.toSet());
    assertThat(vulnerable).as("ground truth lists vulnerable endpoints").isNotEmpty();
    assertThat(safe).as("ground truth lists safe twins").isNotEmpty();
    assertThat(found).as("every vulnerable endpoint is found").containsAll(vulnerable);
    assertThat(found).as("no safe twin is flagged").doesNotContainAnyElementsOf(safe);
    assertThat(found).as("nothing else is reported").isSubsetOf(vulnerable);
  }

  /** Every ground-truth endpoint (method and path) is among the endpoints the test hands the check. */
  static void assertCovered(List<Endpoint> endpoints, List<GroundTruth> truth) {
    Set<String> given = endpoints.stream().map(e -> e.method() + " " + e.pathTemplate()).collect(Collectors.toSet());
    assertThat(given).containsAll(truth.stream().map(t -> t.method() + " " + t.path()).collect(Collectors.toSet()));
  }
}
