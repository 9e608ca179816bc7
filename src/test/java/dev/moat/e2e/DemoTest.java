package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moat demo} needs nothing but a JDK: no registry, no image tools; its whitelist catches a dropped binary. */
class DemoTest {

  @Test
  void demoSignsVerifiesMirrorsLearnsAWhitelistAndLeavesReadableFiles(@TempDir Path dir) throws Exception {
    MoatProcess.Result demo = MoatProcess.run(Map.of(), dir, "demo", "--dir", "out");
    assertThat(demo.exitCode()).as(demo.all()).isZero();
    assertThat(demo.stdout()).contains("rejected as expected (exit code 12)");
    assertThat(demo.stdout()).contains("8. Learning", "script", "total", "whitelist.json", "policies/");
    JsonNode whitelist = new ObjectMapper().readTree(dir.resolve("out/whitelist.json").toFile());
    assertThat(whitelist.path("platforms").get(0).path("entries").findValuesAsText("path")).contains("/usr/local/bin/hello", "/usr/bin/java");
    assertThat(whitelist.path("platforms").get(0).path("entries").findValuesAsText("kind")).contains("script", "elf-pie");
    assertThat(demo.stdout()).contains("9. Checking", "drift found as expected (exit code 20)");
    assertThat(demo.stdout()).contains("10. Running a Redis decoy", "\"rule\":\"Moat decoy redis.config_set\"", "\"priority\":\"Critical\"");
    assertThat(demo.stdout()).contains("11. Scanning", "gate failed as expected (exit code 30)");
    assertThat(Files.readString(dir.resolve("out/scan/moat-scan.json"))).contains("\"type\" : \"path-traversal\"", "/download");
    assertThat(Files.readString(dir.resolve("out/drift.sarif"))).contains("/tmp/dropped").doesNotContain("/usr/bin/java\"");
    try (Stream<Path> policies = Files.list(dir.resolve("out/policies"))) {
      assertThat(policies.toList()).as("at least one file per enforcer").hasSizeGreaterThanOrEqualTo(4);
    }
    Files.writeString(dir.resolve("events.txt"), "/usr/local/bin/hello\n/tmp/dropped\n");
    MoatProcess.Result check = MoatProcess.run(Map.of(), dir, List.of("whitelist", "check", "out/whitelist.json", "--events", "events.txt"));
    assertThat(check.exitCode()).as(check.all()).isEqualTo(20);
    assertThat(check.stderr()).contains("/tmp/dropped").doesNotContain("/usr/local/bin/hello (");
    assertThat(Files.readString(dir.resolve("out/publisher.key"))).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
    MoatProcess.Result again = MoatProcess.run(Map.of(), dir, List.of("verify", "oci:out/mirror:demo", "--key", "out/mirror.pub"));
    assertThat(again.exitCode()).as(again.all()).isZero();
    MoatProcess.Result rerun = MoatProcess.run(Map.of(), dir, "demo", "--dir", "out");
    assertThat(rerun.exitCode()).as("a second run replaces the first").isZero();
  }

  @Test
  void demoRefusesToOverwriteADirectoryItDidNotWrite(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("precious"));
    Files.writeString(dir.resolve("precious/data.txt"), "keep me");
    MoatProcess.Result demo = MoatProcess.run(Map.of(), dir, "demo", "--dir", "precious");
    assertThat(demo.exitCode()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("precious/data.txt"))).isEqualTo("keep me");
  }
}
