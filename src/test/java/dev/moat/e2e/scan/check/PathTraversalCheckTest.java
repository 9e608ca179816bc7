package dev.moat.e2e.scan.check;

import static dev.moat.scan.ParameterLocation.JSON_BODY;
import static dev.moat.scan.ParameterLocation.PATH;
import static dev.moat.scan.ParameterLocation.QUERY;
import static dev.moat.e2e.scan.check.CheckEndpoints.query;
import static dev.moat.e2e.scan.check.CheckEndpoints.titleOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.PathTraversalCheck;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.PathTraversalRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PathTraversalCheck} against the vulnerable app's {@code /traversal/} endpoints (an in-memory file system). */
class PathTraversalCheckTest {

  private static VulnerableApp app;
  private static List<Finding> findings;
  private static List<Endpoint> endpoints;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new PathTraversalRoutes()), 0);
    URI base = app.baseUri();
    endpoints = List.of(
        query(base, "/traversal/view", "file", "report.txt"), query(base, "/traversal/safe-view", "file", "report.txt"),
        new Endpoint("GET", base, "/traversal/files/{name}", List.of(Parameter.of("name", PATH, "readme.txt")), null, "openapi"),
        new Endpoint("GET", base, "/traversal/safe-files/{name}", List.of(Parameter.of("name", PATH, "readme.txt")), null, "openapi"),
        query(base, "/traversal/strip", "file", "readme.txt"), query(base, "/traversal/safe-strip", "file", "readme.txt"),
        query(base, "/traversal/double", "path", "report.txt"), query(base, "/traversal/safe-double", "path", "report.txt"),
        new Endpoint("POST", base, "/traversal/api/export", List.of(Parameter.of("path", JSON_BODY, "report.txt")), null, "openapi"),
        new Endpoint("POST", base, "/traversal/safe-api/export", List.of(Parameter.of("path", JSON_BODY, "report.txt")), null, "openapi"),
        query(base, "/traversal/win", "doc", "manual.txt"), query(base, "/traversal/safe-win", "doc", "manual.txt"),
        query(base, "/traversal/static", "path", "app.css"), query(base, "/traversal/safe-static", "path", "app.css"),
        query(base, "/traversal/page", "name", "readme"), query(base, "/traversal/safe-page", "name", "readme"),
        query(base, "/traversal/legacy", "file", "readme.txt"), query(base, "/traversal/safe-legacy", "file", "readme.txt"));
    findings = new CheckHarness(base).run(new PathTraversalCheck(), endpoints);
  }

  @AfterAll
  static void stop() {
    app.close();
  }


  @Test
  void findsEveryVulnerableEndpointAndNoSafeTwin() {
    GroundTruthMatch.assertCovered(endpoints, app.groundTruth(VulnerabilityClass.PATH_TRAVERSAL));
    GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.PATH_TRAVERSAL), app.baseUri());
  }

  @Test
  void eachFilterIsBeatenByTheVariantMadeForIt() {
    assertThat(titleOf(findings, "/traversal/strip")).contains("....//");
    assertThat(titleOf(findings, "/traversal/double")).contains("double URL encoding");
    assertThat(titleOf(findings, "/traversal/legacy")).contains("overlong UTF-8");
    assertThat(titleOf(findings, "/traversal/page")).contains("NUL byte");
    assertThat(titleOf(findings, "/traversal/win")).contains("win.ini");
    assertThat(titleOf(findings, "/traversal/static")).contains("WEB-INF/web.xml");
    assertThat(titleOf(findings, "/traversal/view")).contains("/etc/passwd");
  }

  @Test
  void aFindingIsConfirmedWithTheFileInItsEvidence() {
    Finding view = findings.stream().filter(f -> f.endpoint().endsWith("/traversal/view")).findFirst().orElseThrow();
    assertThat(view.type()).isEqualTo(VulnerabilityClass.PATH_TRAVERSAL);
    assertThat(view.confidence()).isEqualTo(Confidence.CONFIRMED);
    assertThat(view.parameter()).isEqualTo("file");
    assertThat(view.location()).isEqualTo(QUERY);
    assertThat(view.testMethod().payload()).contains("etc/passwd");
    assertThat(view.testMethod().detection()).contains("baseline did not");
    assertThat(view.evidence().response()).contains("root:x:0:0:");
    assertThat(view.evidence().request()).contains("/traversal/view?file=");
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof PathTraversalCheck);
  }

}
