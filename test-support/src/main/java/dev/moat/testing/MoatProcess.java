package dev.moat.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI jar ({@code shared-core/target/moat.jar}) in a child JVM, as pipelines do. */
public final class MoatProcess {

  private MoatProcess() {}

  /** The project root: the {@code moat.project.root} system property Surefire sets, else found upwards from the working directory. */
  public static Path projectRoot() {
    String prop = System.getProperty("moat.project.root");
    if (prop != null && Files.isRegularFile(Path.of(prop, "moat"))) {
      return Path.of(prop);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("moat"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the project root (the directory with the moat launcher)");
    }
    return dir;
  }

  public static Path jar() {
    Path jar = projectRoot().resolve("shared-core/target/moat.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build shared-core first (mvn -pl shared-core package)");
    }
    return jar;
  }

  /** The result of one run. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }
  }

  public static Result run(Map<String, String> env, Path workDir, String... args) throws IOException, InterruptedException {
    return run(env, workDir, List.of(args));
  }

  public static Result run(Map<String, String> env, Path workDir, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return exec(command, env, workDir, 300);
  }

  /** Generates unencrypted PKCS#8 key pairs {@code NAME.key} / {@code NAME.pub} in {@code dir} with the CLI. */
  public static void generateKeys(Path dir, String... names) throws IOException, InterruptedException {
    for (String name : names) {
      Result r = run(Map.of(), dir, "key", "generate", "--format", "pkcs8", "--output-key-prefix", name);
      if (r.exitCode() != 0) {
        throw new IOException("moat key generate " + name + " failed (" + r.exitCode() + "): " + r.all());
      }
    }
  }

  /** Runs any command with extra environment variables; stdout and stderr are collected. */
  public static Result exec(List<String> command, Map<String, String> env, Path workDir, int timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("MOAT_") || k.equals("COSIGN_PASSWORD") || k.equals("DOCKER_CONFIG") || k.equals("REGISTRY_AUTH_FILE")
        || k.equals("KUBECONFIG"));
    builder.environment().putAll(env);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    Path out = Files.createTempFile("moat-out-", ".txt");
    Path err = Files.createTempFile("moat-err-", ".txt");
    try {
      builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
