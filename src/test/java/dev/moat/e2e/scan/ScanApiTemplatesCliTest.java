package dev.moat.e2e.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat scan api --templates DIR} through the CLI jar: a template outside the subset stops the scan before
 * any request with exit 2 and one line naming its file and field; a good directory adds its templates' findings.
 */
class ScanApiTemplatesCliTest {

  @TempDir Path dir;

  @Test
  void aBadTemplateIsBadInputBeforeTheScanStarts() throws Exception {
    Path templates = Files.createDirectories(dir.resolve("templates"));
    Files.writeString(templates.resolve("ok.yaml"), "id: ok\ninfo: {name: Ok, severity: low}\nhttp:\n  - path: ['{{BaseURL}}/']\n"
        + "    matchers: [{type: status, status: [200]}]\n");
    Files.writeString(templates.resolve("wipe.yaml"), "id: wipe\ninfo: {name: Wipe, severity: low}\nhttp:\n  - method: DELETE\n"
        + "    path: ['{{BaseURL}}/users']\n    matchers: [{type: status, status: [204]}]\n");
    try (VulnerableApp app = VulnerableApp.start()) {
      MoatProcess.Result r = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--templates",
          templates.toString(), "--report-dir", dir.resolve("r").toString());
      assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
      assertThat(r.stderr()).contains(templates.resolve("wipe.yaml").toString()).contains("field 'http[0].method' is DELETE")
          .doesNotContain("\tat ");
      assertThat(r.stderr().strip().lines()).hasSize(1);
      assertThat(app.requestCount()).as("nothing was sent").isZero();
      assertThat(dir.resolve("r/moat-scan.json")).doesNotExist();

      MoatProcess.Result missing = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--templates",
          dir.resolve("absent").toString(), "--report-dir", dir.resolve("r").toString());
      assertThat(missing.exitCode()).as(missing.all()).isEqualTo(5);
      assertThat(missing.stderr()).contains("absent").doesNotContain("\tat ");
    }
  }

  @Test
  void aUserTemplateAddsItsFinding() throws Exception {
    Path templates = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(templates.resolve("docker.yaml"), "id: docker-os\ninfo: {name: Docker OS, severity: low}\nhttp:\n"
        + "  - path: ['{{BaseURL}}/version']\n    matchers-condition: and\n    matchers:\n      - {type: status, status: [200]}\n"
        + "      - {type: word, words: ['\"Os\":\"linux\"']}\n");
    try (VulnerableApp app = VulnerableApp.start()) {
      MoatProcess.Result r = MoatProcess.run(Map.of(), dir, "scan", "api", "--target", app.baseUri().toString(), "--checks", "poc",
          "--templates", templates.toString(), "--report-dir", dir.resolve("r2").toString(), "--format", "json");
      assertThat(r.exitCode()).as(r.all()).isZero();
      JsonNode report = new ObjectMapper().readTree(dir.resolve("r2/moat-scan.json").toFile());
      assertThat(report.path("findings").findValuesAsText("parameter")).contains("docker-os", "docker-api-unauth-version", "git-config-exposure");
    }
  }
}
