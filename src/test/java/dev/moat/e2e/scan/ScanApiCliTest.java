package dev.moat.e2e.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.vulnapp.GroundTruth;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat scan api} as a pipeline runs it — the shaded jar in its own process — against the vulnerable test
 * application on 127.0.0.1, reading the app's OpenAPI document by URL and crawling its HTML: every vulnerable
 * route of every built-in check is found, no safe twin is flagged, the gate exits 30, and the reports are whole.
 */
class ScanApiCliTest {

  private static VulnerableApp app;
  @TempDir static Path dir;
  private static MoatProcess.Result result;
  private static JsonNode report;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start();
    result = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--openapi", app.openApiUri().toString(),
        "--crawl", "--report-dir", dir.resolve("reports").toString(), "--fail-on", "high", "--outputs-file", dir.resolve("outputs").toString());
    report = new ObjectMapper().readTree(dir.resolve("reports/moat-scan.json").toFile());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void everyVulnerableRouteOfEveryBuiltInCheckIsFoundAndNoSafeTwin() {
    Set<VulnerabilityClass> built = Checks.all().stream().map(c -> c.type()).collect(Collectors.toSet());
    Set<String> found = new HashSet<>();
    for (JsonNode f : report.path("findings")) {
      String prefix = f.path("method").asText() + " " + app.baseUri();
      String endpoint = f.path("endpoint").asText();
      assertThat(endpoint).startsWith(prefix);
      found.add(f.path("type").asText() + " " + f.path("method").asText() + " " + endpoint.substring(prefix.length()) + " "
          + (f.path("parameter").isNull() ? "null" : f.path("parameter").asText()));
    }
    List<String> vulnerable = new ArrayList<>();
    List<String> safe = new ArrayList<>();
    for (GroundTruth t : app.groundTruth()) {
      if (built.contains(t.type())) {
        (t.vulnerable() ? vulnerable : safe).add(t.type().id() + " " + t.method() + " " + t.path() + " " + t.parameter());
      }
    }
    assertThat(vulnerable).isNotEmpty();
    assertThat(found).as("found through the OpenAPI document and the crawl").containsAll(vulnerable);
    assertThat(found).as("no safe twin flagged").doesNotContainAnyElementsOf(safe);
  }

  @Test
  void theGateExits30AndTheOutputsCountBySeverity() throws Exception {
    assertThat(result.exitCode()).as(result.all()).isEqualTo(30);
    assertThat(result.stderr()).contains("findings at high or worse");
    String outputs = Files.readString(dir.resolve("outputs"));
    assertThat(outputs).contains("findings=" + report.path("findings").size()).contains("high=" + report.path("counts").path("high").asInt());
    assertThat(report.path("counts").path("high").asInt()).isPositive();
    assertThat(report.path("requests").asLong()).isGreaterThan(report.path("findings").size());
  }

  @Test
  void everyReportIsWrittenWhole() throws Exception {
    JsonNode sarif = new ObjectMapper().readTree(dir.resolve("reports/moat-scan.sarif").toFile());
    assertThat(sarif.path("runs").get(0).path("results").size()).isEqualTo(report.path("findings").size());
    assertThat(sarif.path("runs").get(0).path("tool").path("driver").path("rules").size()).isEqualTo(VulnerabilityClass.values().length);
    org.w3c.dom.Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("reports/moat-scan-junit.xml").toFile());
    assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo(Integer.toString(report.path("findings").size()));
    String html = Files.readString(dir.resolve("reports/moat-scan.html"));
    assertThat(html).contains("<table>").contains(app.baseUri().toString());
    assertThat(Files.readString(dir.resolve("reports/moat-scan.md"))).contains("| critical | high | medium | low | info |");
    try (var files = Files.list(dir.resolve("reports"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("moat-scan.json", "moat-scan.sarif",
          "moat-scan-junit.xml", "moat-scan.html", "moat-scan.md");
    }
  }

  @Test
  void eachFindingShowsTypeUrlParameterSeverityAndTestMethod() {
    for (JsonNode f : report.path("findings")) {
      assertThat(f.path("type").asText()).isNotEmpty();
      assertThat(f.path("cwe").asInt()).isPositive();
      assertThat(f.path("url").asText()).startsWith(app.baseUri().toString());
      assertThat(f.path("severity").asText()).isIn("critical", "high", "medium", "low", "info");
      assertThat(f.path("testMethod").path("payload").asText()).isNotEmpty();
      assertThat(f.path("testMethod").path("detection").asText()).isNotEmpty();
      assertThat(f.path("evidence").path("request").asText()).isNotEmpty();
      assertThat(f.path("remediation").asText()).isNotEmpty();
    }
  }

  @Test
  void badInputIsOneLineWithItsExitCode() throws Exception {
    MoatProcess.Result notUrl = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", "ftp://example.com/");
    assertThat(notUrl.exitCode()).isEqualTo(2);
    assertThat(notUrl.stderr()).contains("parameter 'target'").doesNotContain("\tat ");
    MoatProcess.Result noFile = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--openapi",
        dir.resolve("missing.json").toString(), "--report-dir", dir.resolve("r2").toString());
    assertThat(noFile.exitCode()).isEqualTo(5);
    assertThat(noFile.stderr()).contains("missing.json").doesNotContain("\tat ");
    MoatProcess.Result outside = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--openapi",
        "http://203.0.113.9/openapi.json", "--report-dir", dir.resolve("r3").toString());
    assertThat(outside.exitCode()).isEqualTo(2);
    assertThat(outside.stderr()).contains("outside the scan's scope");
    MoatProcess.Result unsetSecret = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--bearer-token-env",
        "MOAT_TEST_UNSET_TOKEN", "--report-dir", dir.resolve("r4").toString());
    assertThat(unsetSecret.exitCode()).isEqualTo(2);
    assertThat(unsetSecret.stderr()).contains("MOAT_TEST_UNSET_TOKEN");
    MoatProcess.Result delayOverTimeout = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--time-delay", "10s",
        "--timeout", "10s", "--report-dir", dir.resolve("r5").toString());
    assertThat(delayOverTimeout.exitCode()).isEqualTo(2);
    assertThat(delayOverTimeout.stderr()).contains("parameter 'time-delay'", "--timeout").doesNotContain("\tat ");
  }
}
