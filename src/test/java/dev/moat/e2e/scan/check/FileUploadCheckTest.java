package dev.moat.e2e.scan.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.check.FileUploadCheck;
import dev.moat.scan.target.CrawlLimits;
import dev.moat.scan.target.Crawler;
import dev.moat.scan.target.OpenApiTargets;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.UploadRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FileUploadCheck} against the vulnerable app's {@code /upload/} endpoints, read both from the app's OpenAPI
 * document (multipart bodies with binary parts) and from its crawled HTML forms. Uploaded "scripts" are run by the
 * app's pretend interpreter (it only multiplies two numbers); nothing is ever executed.
 */
class FileUploadCheckTest {

  private static VulnerableApp app;
  private static List<Finding> fromSpec;
  private static List<Finding> fromCrawl;

  @BeforeAll
  static void scan() throws Exception {
    app = VulnerableApp.start(List.of(new UploadRoutes()), 0);
    List<Endpoint> spec = OpenApiTargets.parse(app.openApiDocument(), "the app's OpenAPI", null, app.baseUri()).endpoints();
    fromSpec = new CheckHarness(app.baseUri()).run(new FileUploadCheck(), spec);
    CheckHarness crawling = new CheckHarness(app.baseUri());
    List<Endpoint> crawled = new Crawler(crawling, CrawlLimits.defaults()).crawl(app.baseUri().resolve("/"));
    fromCrawl = crawling.run(new FileUploadCheck(), crawled);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void findsEveryVulnerableUploadAndNoSafeTwinFromTheSpecAndFromTheCrawl() {
    GroundTruthMatch.assertMatches(fromSpec, app.groundTruth(VulnerabilityClass.FILE_UPLOAD), app.baseUri());
    GroundTruthMatch.assertMatches(fromCrawl, app.groundTruth(VulnerabilityClass.FILE_UPLOAD), app.baseUri());
  }

  @Test
  void aScriptTheServerRunsIsConfirmedAndCritical() {
    Finding avatar = on("/upload/avatar");
    assertThat(avatar.confidence()).isEqualTo(Confidence.CONFIRMED);
    assertThat(avatar.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(avatar.testMethod().payload()).contains(".php", "application/x-php");
    assertThat(avatar.testMethod().detection()).contains("fetched back from", "/uploads/avatars/", "the server ran it");
  }

  @Test
  void aContentTypeOnlyFilterIsBeatenByTheImageContentType() {
    Finding document = on("/upload/document");
    assertThat(document.confidence()).isEqualTo(Confidence.CONFIRMED);
    assertThat(document.testMethod().payload()).contains("Content-Type bypass", "image/png");
  }

  @Test
  void storedHtmlOrSvgIsFirmAndAScriptKeptOutOfSightIsTentative() {
    Finding page = on("/upload/profile-page");
    assertThat(page.confidence()).isEqualTo(Confidence.FIRM);
    assertThat(page.title()).contains("text/html");
    Finding imported = on("/upload/import");
    assertThat(imported.confidence()).isEqualTo(Confidence.TENTATIVE);
    assertThat(imported.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(imported.testMethod().detection()).contains("not fetched back");
  }

  @Test
  void isOneOfTheBuiltInChecks() {
    assertThat(Checks.all()).anyMatch(c -> c instanceof FileUploadCheck);
  }

  private static Finding on(String path) {
    return fromSpec.stream().filter(f -> f.endpoint().endsWith(path)).findFirst().orElseThrow(() -> new AssertionError("no finding on " + path + ": " + fromSpec));
  }
}
