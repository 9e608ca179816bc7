package dev.moat.e2e.scan.check;

import static dev.moat.e2e.scan.check.CheckEndpoints.titleOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.CommandInjectionCheck;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.CommandInjectionRoutes;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CommandInjectionCheck} against the vulnerable app's {@code /cmd/} endpoints (a simulated shell; no process is ever started). */
class CommandInjectionCheckTest {

  private static VulnerableApp app;
  private static List<Finding> findings;
  private static List<Endpoint> endpoints;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new CommandInjectionRoutes()), 0);
    URI base = app.baseUri();
    endpoints = List.of(
        query(base, "/cmd/ping", "host"), query(base, "/cmd/safe-ping", "host"),
        query(base, "/cmd/lookup", "name"), query(base, "/cmd/safe-lookup", "name"),
        query(base, "/cmd/win-ping", "target"), query(base, "/cmd/safe-win-ping", "target"),
        query(base, "/cmd/blind-ping", "host"), query(base, "/cmd/safe-blind-ping", "host"),
        query(base, "/cmd/win-blind-ping", "target"), query(base, "/cmd/safe-win-blind-ping", "target"));
    findings = new CheckHarness(base, null, ScanSettings.defaults().withTimeDelay(Duration.ofSeconds(1))).run(new CommandInjectionCheck(), endpoints);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Endpoint query(URI base, String path, String name) {
    return CheckEndpoints.query(base, path, name, "127.0.0.1");
  }

  @Test
  void findsEveryVulnerableEndpointAndNoSafeTwin() {
    GroundTruthMatch.assertCovered(endpoints, app.groundTruth(VulnerabilityClass.COMMAND_INJECTION));
    GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.COMMAND_INJECTION), app.baseUri());
  }

  @Test
  void eachShellIsBeatenByTheSeparatorItLetsThrough() {
    assertThat(titleOf(findings, "/cmd/ping")).contains("Unix ;");
    assertThat(titleOf(findings, "/cmd/lookup")).contains("substitution");
    assertThat(titleOf(findings, "/cmd/win-ping")).contains("Windows &");
  }

  @Test
  void blindEndpointsAreFoundByTimeWithTheControlAndRepeatInTheTestMethod() {
    assertThat(titleOf(findings, "/cmd/blind-ping")).contains("time-based", "Unix ;");
    assertThat(titleOf(findings, "/cmd/win-blind-ping")).contains("time-based", "Windows &");
    Finding blind = findings.stream().filter(f -> f.endpoint().endsWith("/cmd/blind-ping")).findFirst().orElseThrow();
    assertThat(blind.testMethod().payload()).isEqualTo("127.0.0.1;sleep 1");
    assertThat(blind.testMethod().detection()).contains("asking for 0 s", "repeated");
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof CommandInjectionCheck);
  }

}
