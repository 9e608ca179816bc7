package dev.moat.action;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the actions are, and the shared schemas next to the project root. */
final class ActionFiles {

  static final List<String> ACTIONS = List.of("sign", "verify", "copy", "whitelist", "decoy");

  private ActionFiles() {}

  static Path moduleDir() {
    return MoatProcess.projectRoot().resolve("github-action");
  }

  static Path actionDir(String name) {
    return moduleDir().resolve(name);
  }

  static Path sharedSchemas() {
    Path dir = MoatProcess.projectRoot().resolveSibling("shared").resolve("schemas");
    assumeTrue(Files.isDirectory(dir), "skipped: " + dir + " is absent (the schemas live in ../shared/schemas next to the project root)");
    return dir;
  }

  /** An executable on PATH or named by an environment variable; the test is skipped without it. */
  static Path tool(String name, String variable, String install) {
    String configured = System.getenv(variable);
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured);
    }
    Path local = dev.moat.testing.MoatProcess.projectRoot().resolve(".ci/lint/node_modules/.bin").resolve(name);
    if (Files.isExecutable(local)) {
      return local;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    assumeTrue(false, "skipped: " + name + " is not installed (" + install + ", or set " + variable + ")");
    return null;
  }
}
