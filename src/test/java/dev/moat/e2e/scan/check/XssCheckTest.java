package dev.moat.e2e.scan.check;

import static dev.moat.scan.ParameterLocation.FORM_BODY;
import static dev.moat.e2e.scan.check.CheckEndpoints.query;
import static dev.moat.e2e.scan.check.CheckEndpoints.titleOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.XssCheck;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.XssRoutes;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link XssCheck} against the vulnerable app's {@code /xss/} routes: one per context, each with an encoding twin. */
class XssCheckTest {

  private static VulnerableApp app;
  private static List<Finding> findings;
  private static List<Endpoint> endpoints;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new XssRoutes()), 0);
    URI base = app.baseUri();
    endpoints = List.of(
        query(base, "/xss/search", "q", "shoes"), query(base, "/xss/safe-search", "q", "shoes"),
        query(base, "/xss/profile", "name", "alice"), query(base, "/xss/safe-profile", "name", "alice"),
        query(base, "/xss/banner", "color", "blue"), query(base, "/xss/safe-banner", "color", "blue"),
        query(base, "/xss/track", "ref", "home"), query(base, "/xss/safe-track", "ref", "home"),
        query(base, "/xss/api/user", "id", "42"), query(base, "/xss/safe-api/user", "id", "42"),
        new Endpoint("POST", base, "/xss/comment", List.of(Parameter.of("text", FORM_BODY, "nice")), null, "crawl"),
        new Endpoint("POST", base, "/xss/safe-comment", List.of(Parameter.of("text", FORM_BODY, "nice")), null, "crawl"));
    findings = new CheckHarness(base).run(new XssCheck(), endpoints);
  }

  @AfterAll
  static void stop() {
    app.close();
  }


  @Test
  void findsEveryVulnerableContextAndNoEncodingTwin() {
    GroundTruthMatch.assertCovered(endpoints, app.groundTruth(VulnerabilityClass.XSS));
    GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.XSS), app.baseUri());
  }

  @Test
  void eachFindingNamesItsContextAndTheBreakoutThatWorked() {
    assertThat(titleOf(findings, "/xss/search")).contains("HTML body");
    assertThat(titleOf(findings, "/xss/profile")).contains("double-quoted HTML attribute");
    assertThat(titleOf(findings, "/xss/banner")).contains("unquoted HTML attribute");
    assertThat(titleOf(findings, "/xss/track")).contains("single-quoted string in a script");
    assertThat(titleOf(findings, "/xss/api/user")).contains("JSON served as text/html");
    assertThat(titleOf(findings, "/xss/comment")).contains("HTML body");
    Finding profile = findings.stream().filter(f -> f.endpoint().endsWith("/xss/profile")).findFirst().orElseThrow();
    assertThat(profile.confidence()).isEqualTo(Confidence.FIRM);
    assertThat(profile.testMethod().payload()).contains("\"").startsWith("moat");
    assertThat(profile.evidence().response()).contains("value=\"" + profile.testMethod().payload() + "\"");
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof XssCheck);
  }

}
