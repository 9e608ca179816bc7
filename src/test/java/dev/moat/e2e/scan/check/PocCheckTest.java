package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanScope;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.PocCheck;
import dev.moat.scan.engine.ClientSettings;
import dev.moat.scan.engine.HttpScanClient;
import dev.moat.scan.engine.ScanEngine;
import dev.moat.scan.engine.ScanListener;
import dev.moat.scan.poc.PocTemplate;
import dev.moat.scan.poc.PocTemplates;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.GroundTruth;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PocCheck} with the built-in templates against the whole vulnerable app (its PoC routes and the
 * sensitive-path routes some templates share): run at the app's root every template finds its vulnerable route;
 * run with {@code /poc-twin} as the target no template matches a look-alike; user templates add to the built-in
 * ones; redirects are followed within scope and {@code max-redirects}; an unreachable target becomes a note.
 */
class PocCheckTest {

  private static VulnerableApp app;
  private static List<Finding> atRoot;
  @TempDir Path dir;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start();
    atRoot = new CheckHarness(app.baseUri()).run(new PocCheck(), List.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Set<String> keys(List<Finding> findings) {
    return findings.stream().map(f -> GroundTruthMatch.key(f, app.baseUri())).collect(Collectors.toSet());
  }

  private static Set<String> truth(boolean vulnerable) {
    return app.groundTruth(VulnerabilityClass.POC).stream().filter(t -> t.vulnerable() == vulnerable).map(GroundTruthMatch::key)
        .collect(Collectors.toSet());
  }

  @Test
  void everyBuiltInTemplateFindsItsVulnerableRouteAndNothingElse() {
    assertThat(truth(true)).hasSize(PocTemplates.builtIn().size());
    assertThat(app.groundTruth(VulnerabilityClass.POC).stream().map(GroundTruth::parameter).collect(Collectors.toSet()))
        .as("every built-in template has ground truth").isEqualTo(PocTemplates.builtIn().stream().map(PocTemplate::id).collect(Collectors.toSet()));
    assertThat(keys(atRoot)).isEqualTo(truth(true));
    assertThat(atRoot).hasSize(truth(true).size());
  }

  @Test
  void noTemplateMatchesALookAlike() throws Exception {
    Set<String> twins = truth(false);
    assertThat(twins.stream().filter(k -> k.contains("/poc-twin/")).map(k -> k.substring(k.lastIndexOf(' ') + 1)).collect(Collectors.toSet()))
        .as("each template has a twin under /poc-twin").hasSize(PocTemplates.builtIn().size());
    CheckHarness harness = new CheckHarness(app.baseUri().resolve("/poc-twin"));
    List<Finding> findings = harness.run(new PocCheck(), List.of());
    assertThat(findings).isEmpty();
    assertThat(harness.requestsSent()).as("every template asked").isGreaterThanOrEqualTo(PocTemplates.builtIn().size());
    assertThat(keys(atRoot)).doesNotContainAnyElementsOf(twins);
  }

  @Test
  void findingsCarryTheTemplatesSeverityTitleIdMatchersAndExtractedValues() {
    for (Finding f : atRoot) {
      PocTemplate t = PocTemplates.builtIn().stream().filter(x -> x.id().equals(f.parameter())).findFirst().orElseThrow();
      assertThat(f.type()).isEqualTo(VulnerabilityClass.POC);
      assertThat(f.severity()).isEqualTo(t.info().severity());
      assertThat(f.title()).isEqualTo(t.info().name() + " (" + t.id() + ")");
      assertThat(f.location()).isNull();
      assertThat(f.testMethod().payload()).startsWith("template " + t.id() + ": GET /");
      assertThat(f.testMethod().detection()).startsWith("template " + t.id() + " (built-in:" + t.id() + ".yaml) matched: ");
      assertThat(f.evidence().request()).isNotEmpty();
      assertThat(f.evidence().response()).startsWith("HTTP/1.1 200");
    }
    assertThat(finding("git-config-exposure").testMethod().detection())
        .contains("word [\"[core]\"] on body [core-section]").contains("not word [\"<html\", \"<!doctype\"] (or) on body")
        .contains("extracted remote-url=https://git.example.test/shop.git").contains("CWE-538");
    assertThat(finding("jenkins-script-console-unauth").testMethod().detection()).contains("extracted jenkins-version=2.440.3");
    assertThat(finding("docker-api-unauth-version").testMethod().detection()).contains("api-version=1.45").contains("engine-version=26.1.4");
    assertThat(finding("struts2-ognl-content-type").confidence()).as("the server computed the marker's header").isEqualTo(Confidence.CONFIRMED);
    assertThat(finding("struts2-ognl-content-type").evidence().request()).contains("addHeader('X-Moat-Probe','moat");
    assertThat(finding("struts2-ognl-content-type").testMethod().detection()).contains("CVE-2017-5638");
    assertThat(finding("phpinfo-exposure").url()).endsWith("/info.php");
    assertThat(finding("apache-server-status-exposure").url()).endsWith("/whm-server-status");
    assertThat(finding("git-config-exposure").confidence()).isEqualTo(Confidence.FIRM);
  }

  private static Finding finding(String id) {
    return atRoot.stream().filter(f -> f.parameter().equals(id)).findFirst().orElseThrow();
  }

  /** A template asking the redirect routes for a Jenkins header, with these redirect options. */
  private static String headerTemplate(String id, String redirectOptions) {
    return "id: " + id + "\ninfo: {name: " + id + ", severity: info}\nhttp:\n  - path: [\"{{BaseURL}}/twice\", \"{{BaseURL}}/away\"]\n    "
        + redirectOptions + "\n    matchers: [{type: word, part: header, case-insensitive: true, words: [\"x-jenkins:\"]}]\n";
  }

  @Test
  void redirectsAreFollowedWithinScopeAndMaxRedirects() throws Exception {
    List<Finding> viaRedirect = new CheckHarness(app.baseUri().resolve("/poc-redirect")).run(new PocCheck(), List.of());
    assertThat(keys(viaRedirect)).containsExactly("GET /poc-redirect/script jenkins-script-console-unauth");
    Files.writeString(dir.resolve("hops1.yaml"), headerTemplate("hops-one", "redirects: true\n    max-redirects: 1"));
    Files.writeString(dir.resolve("hops2.yaml"), headerTemplate("hops-two", "host-redirects: true\n    max-redirects: 2"));
    Files.writeString(dir.resolve("hops10.yaml"), headerTemplate("hops-default", "redirects: true"));
    Files.writeString(dir.resolve("none.yaml"), """
        id: no-redirects
        info: {name: No redirects, severity: info}
        http:
          - path: ["{{BaseURL}}/script"]
            matchers: [{type: word, part: header, case-insensitive: true, words: ["x-jenkins:"]}]
        """);
    CheckHarness harness = new CheckHarness(app.baseUri().resolve("/poc-redirect"), null, ScanSettings.defaults().withTemplates(dir));
    List<Finding> findings = harness.run(new PocCheck(), List.of());
    assertThat(keys(findings)).containsExactlyInAnyOrder("GET /poc-redirect/script jenkins-script-console-unauth",
        "GET /poc-redirect/twice hops-two", "GET /poc-redirect/twice hops-default");
  }

  @Test
  void aUserDirectoryAddsTemplatesAndTwoTemplatesOnOnePathAreTwoFindings() throws Exception {
    Files.writeString(dir.resolve("docker-again.yaml"), """
        id: docker-engine-version
        info: {name: Docker Engine version, severity: info}
        http:
          - method: GET
            path: ["{{BaseURL}}/version"]
            matchers-condition: and
            matchers:
              - {type: status, status: [200]}
              - {type: regex, regex: ['"MinAPIVersion"\\s*:\\s*"1\\.[0-9]+"']}
        """);
    List<Finding> findings = new CheckHarness(app.baseUri(), null, ScanSettings.defaults().withTemplates(dir)).run(new PocCheck(), List.of());
    assertThat(keys(findings)).containsAll(truth(true)).contains("GET /version docker-engine-version").hasSize(truth(true).size() + 1);
    Finding mine = findings.stream().filter(f -> f.parameter().equals("docker-engine-version")).findFirst().orElseThrow();
    assertThat(mine.severity()).isEqualTo(Severity.INFO);
    assertThat(mine.testMethod().detection()).contains(dir.resolve("docker-again.yaml").toString());
    Finding builtIn = findings.stream().filter(f -> f.parameter().equals("docker-api-unauth-version")).findFirst().orElseThrow();
    assertThat(mine.dedupeKey()).isNotEqualTo(builtIn.dedupeKey());
  }

  @Test
  void anUnreachableTargetBecomesANoteNotACrash() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI target = URI.create("http://127.0.0.1:" + port);
    try (HttpScanClient client = new HttpScanClient(ScanScope.of(List.of(target), null), ClientSettings.defaults().withTimeout(Duration.ofSeconds(5)))) {
      ScanReport report = new ScanEngine(List.of(new PocCheck()), ScanSettings.defaults(), null, ScanListener.NONE, Clock.systemUTC())
          .scan(target, List.of(), client);
      assertThat(report.findings()).isEmpty();
      assertThat(report.notes()).singleElement().asString().startsWith("poc on " + target + ": ")
          .contains(PocTemplates.builtIn().size() + " of " + PocTemplates.builtIn().size() + " PoC templates failed").contains("template ");
    }
  }
}
