package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.SsrfCheck;
import dev.moat.scan.oob.OutOfBandServer;
import dev.moat.scan.target.OpenApiTargets;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.OpenRedirectRoutes;
import dev.moat.testing.vulnapp.SsrfRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SsrfCheck} against the vulnerable app's {@code /ssrf/} routes with the real out-of-band listener on
 * 127.0.0.1: the routes that fetch are found by their hits, the allow-listed twins are not, and redirect routes
 * (which send the browser, not the server) raise nothing.
 */
class SsrfCheckTest {

  @Test
  void findsEveryFetchingRouteByItsOutOfBandHitAndNoTwin() throws Exception {
    try (VulnerableApp app = VulnerableApp.start(List.of(new SsrfRoutes(), new OpenRedirectRoutes()), 0);
        OutOfBandServer oob = OutOfBandServer.start("127.0.0.1", 0, null, Clock.systemUTC())) {
      List<Endpoint> endpoints = OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints();
      List<Finding> findings = new CheckHarness(app.baseUri(), oob, quickWait()).run(new SsrfCheck(), endpoints);
      GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.SSRF), app.baseUri());
      for (Finding f : findings) {
        assertThat(f.confidence()).isEqualTo(Confidence.CONFIRMED);
        assertThat(f.testMethod().payload()).startsWith("http://127.0.0.1:" + oob.port() + "/moat");
        assertThat(f.testMethod().detection()).contains("out-of-band listener").contains("from 127.0.0.1");
      }
    }
  }

  /** The defaults with a 500 ms out-of-band wait: the fixture fetches at once, and every miss costs the whole wait. */
  private static ScanSettings quickWait() {
    ScanSettings d = ScanSettings.defaults();
    return new ScanSettings(d.timeDelay(), d.maxLoginAttempts(), d.redirectMarkerHost(), d.templates(), java.time.Duration.ofMillis(500));
  }

  @Test
  void withoutAListenerTheCheckSendsNothing() throws Exception {
    try (VulnerableApp app = VulnerableApp.start(List.of(new SsrfRoutes()), 0)) {
      List<Endpoint> endpoints = OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints();
      CheckHarness harness = new CheckHarness(app.baseUri());
      assertThat(harness.run(new SsrfCheck(), endpoints)).isEmpty();
      assertThat(harness.requestsSent()).isZero();
    }
  }
}
