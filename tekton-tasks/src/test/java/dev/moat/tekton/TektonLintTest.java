package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lints every task and the pipeline with tekton-lint (npm package @ibm/tekton-lint), warnings included. Found
 * on PATH or in {@code $TEKTON_LINT}; skipped with a message when not installed.
 */
class TektonLintTest {

  @Test
  void tektonLintReportsNoErrorsOrWarnings() throws Exception {
    Path lint = find();
    Path module = TektonCatalog.moduleDir();
    MoatProcess.Result r = MoatProcess.exec(
        List.of(lint.toString(), "--color=false", "--max-warnings", "0", "task/**/*.yaml", "pipeline/**/*.yaml"), Map.of(), module, 120);
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.all()).doesNotContain("warning", "error");
  }

  private static Path find() {
    String configured = System.getenv("TEKTON_LINT");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured);
    }
    Path local = dev.moat.testing.MoatProcess.projectRoot().resolve(".ci/lint/node_modules/.bin").resolve("tekton-lint");
    if (Files.isExecutable(local)) {
      return local;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "tekton-lint");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "skipped: tekton-lint is not installed (npm ci --prefix .ci/lint, or set TEKTON_LINT)");
    return null;
  }
}
