package dev.moat.e2e.scan.check;

import static dev.moat.e2e.scan.check.CheckEndpoints.query;
import static dev.moat.e2e.scan.check.CheckEndpoints.titleOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.CodeInjectionCheck;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.CodeInjectionRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CodeInjectionCheck} against the vulnerable app's {@code /code/} endpoints (a tiny arithmetic evaluator, no real engine). */
class CodeInjectionCheckTest {

  private static VulnerableApp app;
  private static List<Finding> findings;
  private static List<Endpoint> endpoints;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new CodeInjectionRoutes()), 0);
    URI base = app.baseUri();
    endpoints = List.of(
        query(base, "/code/greet", "name", "Ada"), query(base, "/code/safe-greet", "name", "Ada"),
        query(base, "/code/el", "title", "Report"), query(base, "/code/safe-el", "title", "Report"),
        query(base, "/code/ruby", "msg", "hello"), query(base, "/code/safe-ruby", "msg", "hello"),
        query(base, "/code/erb", "comment", "nice"), query(base, "/code/safe-erb", "comment", "nice"),
        query(base, "/code/calc", "expr", "6"), query(base, "/code/safe-calc", "expr", "6"));
    findings = new CheckHarness(base).run(new CodeInjectionCheck(), endpoints);
  }

  @AfterAll
  static void stop() {
    app.close();
  }


  @Test
  void findsEveryVulnerableEndpointAndNoSafeTwin() {
    GroundTruthMatch.assertCovered(endpoints, app.groundTruth(VulnerabilityClass.CODE_INJECTION));
    GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.CODE_INJECTION), app.baseUri());
  }

  @Test
  void eachSyntaxIsFoundByItsOwnPayload() {
    assertThat(titleOf(findings, "/code/greet")).contains("{{ }}");
    assertThat(titleOf(findings, "/code/el")).contains("${ }");
    assertThat(titleOf(findings, "/code/ruby")).contains("#{ }");
    assertThat(titleOf(findings, "/code/erb")).contains("<%= %>");
    assertThat(titleOf(findings, "/code/calc")).contains("eval");
  }

  @Test
  void theProductIsInTheEvidenceButNotInThePayload() {
    Finding f = findings.stream().filter(x -> x.endpoint().endsWith("/code/greet")).findFirst().orElseThrow();
    assertThat(f.confidence()).isEqualTo(Confidence.CONFIRMED);
    assertThat(f.parameter()).isEqualTo("name");
    String payload = f.testMethod().payload();
    String[] factors = payload.replaceAll(".*\\{\\{(\\d+)\\*(\\d+)\\}\\}.*", "$1 $2").split(" ");
    String product = Long.toString(Long.parseLong(factors[0]) * Long.parseLong(factors[1]));
    assertThat(payload).doesNotContain(product);
    assertThat(f.evidence().response()).contains(product);
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof CodeInjectionCheck);
  }

}
