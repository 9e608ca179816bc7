package dev.moat.e2e.scan.check;

import static dev.moat.scan.ParameterLocation.XML_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.XxeCheck;
import dev.moat.scan.oob.OutOfBandServer;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.XxeRoutes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link XxeCheck} against the vulnerable app's {@code /xxe/} endpoints (the JDK's XML parser), with a real
 * {@link OutOfBandServer} on 127.0.0.1 that the vulnerable parsers fetch external entities from.
 */
class XxeCheckTest {

  private static VulnerableApp app;
  private static OutOfBandServer listener;
  private static List<Endpoint> endpoints;
  private static List<Finding> findings;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new XxeRoutes()), 0);
    listener = OutOfBandServer.start("127.0.0.1", 0, null, java.time.Clock.systemUTC());
    URI base = app.baseUri();
    endpoints = List.of(
        xml(base, "/xxe/order", "order/item", "book"), xml(base, "/xxe/safe-order", "order/item", "book"),
        xml(base, "/xxe/import", "import/name", "contacts"), xml(base, "/xxe/safe-import", "import/name", "contacts"),
        xml(base, "/xxe/feed", "feed/title", "news"), xml(base, "/xxe/safe-feed", "feed/title", "news"));
    findings = new CheckHarness(base, listener, ScanSettings.defaults()).run(new XxeCheck(), endpoints);
  }

  @AfterAll
  static void stop() {
    listener.close();
    app.close();
  }

  private static Endpoint xml(URI base, String path, String element, String value) {
    return new Endpoint("POST", base, path, List.of(Parameter.of(element, XML_BODY, value)), null, "openapi");
  }

  @Test
  void findsEveryVulnerableEndpointAndNoSafeTwin() {
    GroundTruthMatch.assertCovered(endpoints, app.groundTruth(VulnerabilityClass.XXE));
    GroundTruthMatch.assertMatches(findings, app.groundTruth(VulnerabilityClass.XXE), app.baseUri());
  }

  @Test
  void everyFindingIsConfirmedOutOfBand() {
    assertThat(findings).hasSize(3).allSatisfy(f -> {
      assertThat(f.confidence()).isEqualTo(Confidence.CONFIRMED);
      assertThat(f.testMethod().detection()).contains("out-of-band listener received").contains("from 127.0.0.1");
      assertThat(f.evidence().request()).contains("<!DOCTYPE ");
    });
    assertThat(finding("/xxe/order").title()).contains("external general entity");
    assertThat(finding("/xxe/order").testMethod().detection()).contains("internal entities are expanded");
    assertThat(finding("/xxe/import").testMethod().detection()).doesNotContain("internal entities are expanded");
    assertThat(finding("/xxe/feed").title()).as("general entities are off there").contains("external parameter entity");
  }

  @Test
  void withoutAListenerOnlyTheEchoingParsersAreFoundFirm() throws Exception {
    List<Finding> inBand = new CheckHarness(app.baseUri()).run(new XxeCheck(), endpoints);
    assertThat(inBand).extracting(f -> f.endpoint().substring(f.endpoint().indexOf("/xxe/")))
        .containsExactlyInAnyOrder("/xxe/order", "/xxe/feed");
    assertThat(inBand).allSatisfy(f -> {
      assertThat(f.confidence()).isEqualTo(Confidence.FIRM);
      assertThat(f.testMethod().payload()).contains("<!ENTITY moatA");
      assertThat(f.testMethod().detection()).contains("no out-of-band listener ran");
    });
  }

  @Test
  void endpointsWithoutAnXmlBodyAreLeftAlone() throws Exception {
    Endpoint json = new Endpoint("POST", app.baseUri(), "/xxe/order", List.of(Parameter.of("item", dev.moat.scan.ParameterLocation.JSON_BODY, "x")), null, "openapi");
    CheckHarness harness = new CheckHarness(app.baseUri(), listener, ScanSettings.defaults());
    assertThat(harness.run(new XxeCheck(), List.of(json))).isEmpty();
    assertThat(harness.requestsSent()).isZero();
  }

  /** The fixture itself is safe: its vulnerable parser hands an empty document for a local file, never the file. */
  @Test
  void theVulnerableParserNeverReadsALocalFile() throws Exception {
    String body = "<?xml version=\"1.0\"?><!DOCTYPE order [<!ENTITY f SYSTEM \"file:///etc/passwd\">]><order><item>[&f;]</item></order>";
    ScanResponse response = new CheckHarness(app.baseUri()).send(new ScanRequest("POST", app.baseUri().resolve("/xxe/order"),
        Map.of("Content-Type", List.of("application/xml")), body.getBytes(StandardCharsets.UTF_8)));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).isEqualTo("ordered []");
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof XxeCheck);
  }

  private static Finding finding(String path) {
    return findings.stream().filter(f -> f.endpoint().endsWith(path)).findFirst().orElseThrow();
  }
}
