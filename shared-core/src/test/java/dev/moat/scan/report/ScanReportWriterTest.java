package dev.moat.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.SharedSchemas;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Evidence;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanReport;
import dev.moat.scan.Severity;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report writers on findings that carry what attackers send: markup, quotes, CR/LF, control bytes, non-ASCII, huge evidence. */
class ScanReportWriterTest {

  private static final String HOSTILE = "<script>alert(\"x\")</script>&'|`\r\nSet-Cookie: a=b\u0001\u0007 ünïcødé 漢字 🙂";

  private static ScanReport report() {
    Endpoint search = new Endpoint("GET", URI.create("http://127.0.0.1:8080"), "/search",
        List.of(Parameter.of("q" + HOSTILE, ParameterLocation.QUERY, "x")), null, "openapi");
    Endpoint files = new Endpoint("GET", URI.create("http://127.0.0.1:8080"), "/files/{name}",
        List.of(Parameter.of("name", ParameterLocation.PATH, "a.txt")), null, "openapi");
    Finding xss = Finding.of(VulnerabilityClass.XSS, Confidence.FIRM, search, search.parameters().get(0), "Reflected XSS " + HOSTILE,
        new TestMethod(HOSTILE, "reflected unencoded " + HOSTILE), new Evidence("GET /search?q=" + HOSTILE, "x".repeat(200_000) + HOSTILE));
    Finding traversal = Finding.of(VulnerabilityClass.PATH_TRAVERSAL, Confidence.CONFIRMED, files, files.parameters().get(0), null,
        new TestMethod("../../etc/passwd", "root:x:0:0 in the body"), new Evidence("GET /files/..%2f..%2fetc%2fpasswd", "root:x:0:0:"));
    Finding info = Finding.of(VulnerabilityClass.DIRECTORY_ENUMERATION, Confidence.TENTATIVE, Endpoint.get(URI.create("http://127.0.0.1:8080/.git/")),
        null, null, new TestMethod("/.git/", "listing"), null).withSeverity(Severity.INFO);
    return new ScanReport("http://127.0.0.1:8080", "moat", Instant.parse("2026-12-06T10:00:00Z"), Instant.parse("2026-12-06T10:00:05Z"), 1234,
        List.of(search, files), List.of(info, xss, traversal), List.of("note " + HOSTILE));
  }

  private static List<Path> writeAll(Path dir) throws Exception {
    return ScanReportWriter.write(report(), List.of(VulnerabilityClass.values()), dir, List.of(ReportFormat.values()));
  }

  @Test
  void sarifIsValidAgainstTheOfficialSchemaWithARulePerClassAndFingerprints(@TempDir Path dir) throws Exception {
    writeAll(dir);
    JsonNode sarif = new ObjectMapper().readTree(dir.resolve("moat-scan.sarif").toFile());
    assertThat(SharedSchemas.json("sarif/sarif-schema-2.1.0.json").validate(sarif)).isEmpty();
    JsonNode run = sarif.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("rules")).hasSize(VulnerabilityClass.values().length);
    JsonNode xssRule = run.path("tool").path("driver").path("rules").get(VulnerabilityClass.XSS.ordinal());
    assertThat(xssRule.path("properties").path("tags").toString()).contains("external/cwe/cwe-79");
    assertThat(xssRule.path("properties").path("security-severity").asText()).isNotEmpty();
    assertThat(run.path("results")).hasSize(3);
    assertThat(run.path("results").get(0).path("level").asText()).isEqualTo("error");
    assertThat(run.path("results").get(0).path("partialFingerprints").path("moatFinding/v1").asText()).startsWith("xss|");
  }

  @Test
  void jsonKeepsEveryFieldAndOrdersWorstFirst(@TempDir Path dir) throws Exception {
    writeAll(dir);
    JsonNode json = new ObjectMapper().readTree(dir.resolve("moat-scan.json").toFile());
    assertThat(json.path("format").asText()).isEqualTo(ScanJsonReport.FORMAT);
    assertThat(json.path("counts").path("high").asInt()).isEqualTo(2);
    assertThat(json.path("findings").get(1).path("type").asText()).isEqualTo("path-traversal");
    assertThat(json.path("findings").get(2).path("severity").asText()).isEqualTo("info");
    JsonNode xss = json.path("findings").get(0);
    assertThat(xss.path("testMethod").path("payload").asText()).isEqualTo(HOSTILE);
    assertThat(xss.path("parameter").asText()).isEqualTo("q" + HOSTILE);
    assertThat(xss.path("location").asText()).isEqualTo("query");
    assertThat(xss.path("cwe").asInt()).isEqualTo(79);
    assertThat(json.path("notes").get(0).asText()).contains("ünïcødé");
  }

  @Test
  void htmlEscapesEveryPayloadSoTheReportCannotRunThem(@TempDir Path dir) throws Exception {
    writeAll(dir);
    String html = Files.readString(dir.resolve("moat-scan.html"));
    assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    assertThat(html).contains("Content-Security-Policy").doesNotContain("src=\"http").doesNotContain("href=\"http");
    assertThat(html.split("<script>", -1)).hasSize(2);
    assertThat(html).contains("data-rank=\"1\"").contains("Remediation:");
  }

  @Test
  void junitParsesAndCountsFailuresPerClass(@TempDir Path dir) throws Exception {
    writeAll(dir);
    byte[] xml = Files.readAllBytes(dir.resolve("moat-scan-junit.xml"));
    org.w3c.dom.Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("3");
    assertThat(doc.getElementsByTagName("testsuite").getLength()).isEqualTo(VulnerabilityClass.values().length);
    assertThat(doc.getElementsByTagName("failure").getLength()).isEqualTo(3);
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo(Integer.toString(VulnerabilityClass.values().length - 3 + 3));
  }

  @Test
  void markdownHasTheCountsAndNoRawMarkupOrBrokenTable(@TempDir Path dir) throws Exception {
    writeAll(dir);
    String md = Files.readString(dir.resolve("moat-scan.md"));
    assertThat(md).contains("| 0 | 2 | 0 | 0 | 1 |").contains("&lt;script&gt;");
    assertThat(md.replaceAll("`[^`\n]*`", "")).as("markup only inside code spans, where it is shown, not rendered").doesNotContain("<script>");
    md.lines().filter(l -> l.startsWith("| high") || l.startsWith("| medium")).forEach(l -> assertThat(l).doesNotContain("\r"));
  }

  @Test
  void onlyTheChosenFormatsAreWrittenAndNoTemporaryFileIsLeft(@TempDir Path dir) throws Exception {
    ScanReportWriter.write(report(), List.of(VulnerabilityClass.XSS), dir, List.of(ReportFormat.SARIF, ReportFormat.MARKDOWN));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("moat-scan.sarif", "moat-scan.md");
    }
  }

  @Test
  void aFindingWithAParameterButNoLocationIsWrittenInEveryFormat(@TempDir Path dir) throws Exception {
    // PoC findings carry the template id as their parameter and no location
    Finding poc = new Finding(VulnerabilityClass.POC, Severity.HIGH, Confidence.FIRM, "GET", "http://127.0.0.1:8080/.git/config",
        "GET http://127.0.0.1:8080/.git/config", "git-config-exposure", null, "Git configuration exposed (git-config-exposure)",
        new TestMethod("template git-config-exposure: GET /.git/config", "matched"), null);
    ScanReport report = new ScanReport("http://127.0.0.1:8080", "moat", Instant.parse("2026-12-06T10:00:00Z"), Instant.parse("2026-12-06T10:00:05Z"),
        1, List.of(), List.of(poc), List.of());
    ScanReportWriter.write(report, List.of(VulnerabilityClass.values()), dir, List.of(ReportFormat.values()));
    assertThat(Files.readString(dir.resolve("moat-scan.html"))).contains("<code>git-config-exposure</code></td>");
    assertThat(new ObjectMapper().readTree(dir.resolve("moat-scan.json").toFile()).path("findings").get(0).path("location").isNull()).isTrue();
  }
}
