package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.WeakPasswordCheck;
import dev.moat.scan.target.CrawlLimits;
import dev.moat.scan.target.Crawler;
import dev.moat.scan.target.OpenApiTargets;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.LoginRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link WeakPasswordCheck} against the vulnerable app's logins — a form with a session cookie and a per-page CSRF
 * token, a JSON token login, HTTP Basic consoles — read from the OpenAPI document and from the crawled forms: the
 * weak ones found, no safe twin (strong passwords, a login that tells known users apart, a lock after three
 * failures) flagged, the attempt cap and the lockout obeyed, the registration form never sent a login, and the
 * password never shown.
 */
class WeakPasswordCheckTest {

  private static List<Endpoint> endpoints(VulnerableApp app) throws Exception {
    List<Endpoint> all = new ArrayList<>(OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints());
    all.addAll(new Crawler(new CheckHarness(app.baseUri()), CrawlLimits.defaults()).crawl(app.baseUri().resolve("/")));
    return all;
  }

  @Test
  void findsTheWeakLoginsAndNoSafeTwinAndNeverShowsThePassword() throws Exception {
    LoginRoutes routes = new LoginRoutes();
    try (VulnerableApp app = VulnerableApp.start(List.of(routes), 0)) {
      CheckHarness harness = new CheckHarness(app.baseUri());
      List<Finding> findings = harness.run(new WeakPasswordCheck(), endpoints(app));
      GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.WEAK_PASSWORD), app.baseUri());
      for (Finding f : findings) {
        String shown = f.title() + f.testMethod() + f.evidence();
        assertThat(shown).doesNotContain("admin123").doesNotContain("changeme").doesNotContain("password=password")
            .doesNotContain("\"password\":\"password\"").doesNotContain("YWRtaW46Y2hhbmdlbWU");
        assertThat(f.testMethod().payload()).contains("******");
      }
      Finding form = findings.stream().filter(f -> f.endpoint().endsWith("/auth/login")).findFirst().orElseThrow();
      assertThat(form.testMethod().payload()).contains("user admin", "built-in pair 4 of");
      assertThat(form.testMethod().detection()).contains("HTTP 302 to /dashboard setting session", "succeeded twice");
      assertThat(routes.requests("/auth/register")).as("a registration form is never sent a login").isZero();
      assertThat(routes.requests("/auth/locked-login")).as("the lock stops the attempts at once").isLessThanOrEqualTo(2 * 4);
      assertThat(harness.notes()).anyMatch(n -> n.contains("/auth/locked-login") && n.contains("lockout") && n.contains("423"));
    }
  }

  @Test
  void theAttemptCapIsHard() throws Exception {
    LoginRoutes routes = new LoginRoutes();
    try (VulnerableApp app = VulnerableApp.start(List.of(routes), 0)) {
      ScanSettings d = ScanSettings.defaults();
      CheckHarness harness = new CheckHarness(app.baseUri(), null, new ScanSettings(d.timeDelay(), 5, d.redirectMarkerHost(), d.templates(), d.outOfBandWait()));
      Endpoint login = OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints().stream()
          .filter(e -> e.pathTemplate().equals("/auth/login")).findFirst().orElseThrow();
      List<Finding> findings = harness.run(new WeakPasswordCheck(), List.of(login));
      assertThat(findings).as("admin/admin123 comes after the fifth attempt").isEmpty();
      assertThat(routes.requests("/auth/login")).isLessThanOrEqualTo(5);
      assertThat(harness.notes()).anyMatch(n -> n.contains("cap of 5"));
    }
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof WeakPasswordCheck);
  }
}
