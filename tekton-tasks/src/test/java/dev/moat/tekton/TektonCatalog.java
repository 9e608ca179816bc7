package dev.moat.tekton;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.testing.MoatProcess;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.tekton.v1.Pipeline;
import io.fabric8.tekton.v1.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The catalog files of this module (task/NAME/VERSION/NAME.yaml, pipeline/…) and how to read them. */
final class TektonCatalog {

  static final List<String> TASKS = List.of("moat-sign", "moat-verify", "moat-copy", "moat-learn-whitelist",
      "moat-deploy-decoys");
  static final String PIPELINE = "moat-sign-verify-copy";
  static final String VERSION = "0.1";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private TektonCatalog() {}

  static Path moduleDir() {
    return MoatProcess.projectRoot().resolve("tekton-tasks");
  }

  static Path taskDir(String name) {
    return moduleDir().resolve("task").resolve(name).resolve(VERSION);
  }

  static Path taskFile(String name) {
    return taskDir(name).resolve(name + ".yaml");
  }

  static Path pipelineDir() {
    return moduleDir().resolve("pipeline").resolve(PIPELINE).resolve(VERSION);
  }

  static Path pipelineFile() {
    return pipelineDir().resolve(PIPELINE + ".yaml");
  }

  static Task task(String name) {
    return read(taskFile(name), Task.class);
  }

  static Pipeline pipeline() {
    return read(pipelineFile(), Pipeline.class);
  }

  static <T> T read(Path file, Class<T> type) {
    try (InputStream in = Files.newInputStream(file)) {
      return SERIALIZATION.unmarshal(in, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> samples(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("samples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The shared directory with third-party schemas, next to the project root; the test is skipped without it. */
  static Path sharedSchemas() {
    Path dir = MoatProcess.projectRoot().resolveSibling("shared").resolve("schemas");
    assumeTrue(Files.isDirectory(dir), "skipped: " + dir + " is absent (the schemas live in ../shared/schemas next to the project root)");
    return dir;
  }
}
