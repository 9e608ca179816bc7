package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Check;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.check.CrlfInjectionCheck;
import dev.moat.scan.check.DirectoryEnumerationCheck;
import dev.moat.scan.check.FileUploadCheck;
import dev.moat.scan.check.JsonpCheck;
import dev.moat.scan.check.OpenRedirectCheck;
import dev.moat.scan.check.SqlInjectionCheck;
import dev.moat.scan.target.OpenApiTargets;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.CrlfRoutes;
import dev.moat.testing.vulnapp.GroundTruth;
import dev.moat.testing.vulnapp.JsonpRoutes;
import dev.moat.testing.vulnapp.OpenRedirectRoutes;
import dev.moat.testing.vulnapp.SensitivePathRoutes;
import dev.moat.testing.vulnapp.SqlInjectionRoutes;
import dev.moat.testing.vulnapp.SoftNotFoundRoutes;
import dev.moat.testing.vulnapp.UploadRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.VulnerableRoutes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each check against its own route group of the vulnerable app alone, the endpoints read from the app's OpenAPI
 * document as a scan reads them: every vulnerable route found, no safe twin flagged, nothing else reported, and
 * every finding carries its test method and evidence.
 */
class RouteGroupCheckTest {

  static Stream<Arguments> groups() {
    return Stream.of(
        Arguments.of(new DirectoryEnumerationCheck(), new SensitivePathRoutes()),
        Arguments.of(new OpenRedirectCheck(), new OpenRedirectRoutes()),
        Arguments.of(new CrlfInjectionCheck(), new CrlfRoutes()),
        Arguments.of(new JsonpCheck(), new JsonpRoutes()),
        Arguments.of(new SqlInjectionCheck(), new SqlInjectionRoutes()),
        Arguments.of(new FileUploadCheck(), new UploadRoutes()));
  }

  private static List<Endpoint> endpoints(VulnerableApp app) throws Exception {
    List<Endpoint> endpoints = new ArrayList<>(OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints());
    endpoints.add(Endpoint.get(app.baseUri()));
    return endpoints;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groups")
  void findsEveryVulnerableRouteOfItsGroupAndNoSafeTwin(Check check, VulnerableRoutes routes) throws Exception {
    try (VulnerableApp app = VulnerableApp.start(List.of(routes), 0)) {
      List<GroundTruth> truth = app.groundTruth(check.type());
      // time-based payloads ask for 1 s here (3 s by default) to keep the suite quick
      List<Finding> findings = new CheckHarness(app.baseUri(), null, ScanSettings.defaults().withTimeDelay(Duration.ofSeconds(1))).run(check, endpoints(app));
      GroundTruthMatch.assertMatches(findings, truth, app.baseUri());
      for (Finding f : findings) {
        assertThat(f.type()).isEqualTo(check.type());
        assertThat(f.testMethod().payload()).as(f.title()).isNotEmpty();
        assertThat(f.testMethod().detection()).as(f.title()).isNotEmpty();
        assertThat(f.evidence().request()).as(f.title()).isNotEmpty();
        assertThat(f.evidence().response()).as(f.title()).isNotEmpty();
      }
    }
  }

  @ParameterizedTest(name = "soft-404 target")
  @MethodSource("softNotFound")
  void aTargetThatAnswers200ToEverythingYieldsNoSensitivePath(Check check) throws Exception {
    try (VulnerableApp app = VulnerableApp.start(List.of(new SoftNotFoundRoutes()), 0)) {
      assertThat(app.groundTruth(check.type())).as("the group lists safe paths").isNotEmpty();
      List<Finding> findings = new CheckHarness(app.baseUri()).run(check, List.of(Endpoint.get(app.baseUri())));
      assertThat(findings).isEmpty();
    }
  }

  static Stream<Arguments> softNotFound() {
    return Stream.of(Arguments.of(new DirectoryEnumerationCheck()));
  }
}
