package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moat demo} needs nothing but a JDK: no registry, no image tools. */
class DemoTest {

  @Test
  void demoSignsVerifiesMirrorsAndLeavesReadableLayouts(@TempDir Path dir) throws Exception {
    MoatProcess.Result demo = MoatProcess.run(Map.of(), dir, "demo", "--dir", "out");
    assertThat(demo.exitCode()).as(demo.all()).isZero();
    assertThat(demo.stdout()).contains("rejected as expected (exit code 12)");
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
