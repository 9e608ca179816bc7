package dev.moat.signing.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an independent tool (openssl, node, softhsm2-util, a child JVM) for the interop tests. */
record ExternalCommand(int exitCode, String output) {

  static ExternalCommand run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    return run(dir, env, List.of(command));
  }

  static ExternalCommand run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    return new ExternalCommand(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** The path of an executable on PATH, or null. */
  static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
