package dev.moat.image;

import static dev.moat.image.TestImage.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not docker archives fail with one line that names the file, never a stack trace. */
class DockerArchiveGarbageTest {

  @TempDir Path dir;

  private static void assertFails(ThrowingCallable call, Failure failure, String... fragments) {
    assertThatThrownBy(call).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(failure);
      assertThat(e.getMessage()).contains(fragments).doesNotContain("\n");
    });
  }

  private Path validArchive() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    byte[] layer = new byte[200_000];
    new Random(7).nextBytes(layer);
    files.put("layer.tar", layer);
    files.put("config.json", bytes("{\"os\":\"linux\"}"));
    files.put("manifest.json", bytes("[{\"Config\":\"config.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"layer.tar\"]}]"));
    return TestImage.tar(dir.resolve("valid.tar"), files);
  }

  @Test
  void theHandBuiltArchiveTheseTestsDamageIsValid() throws Exception {
    try (DockerArchive repo = DockerArchive.open(validArchive(), null)) {
      assertThat(repo.fetchManifest("1").layers()).hasSize(1);
    }
  }

  @Test
  void missingFileIsNotFound() {
    Path missing = dir.resolve("missing.tar");
    assertFails(() -> DockerArchive.open(missing, null), Failure.NOT_FOUND, missing.toString(), "does not exist");
  }

  @Test
  void randomBytesAreNotATar() throws Exception {
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    Path file = Files.write(dir.resolve("noise.bin"), noise);
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "not a tar archive");
  }

  @Test
  void textFileIsNotATar() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello\n");
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "not a tar archive");
  }

  @Test
  void tarWithoutManifestJsonIsNotADockerArchive() throws Exception {
    Path file = TestImage.tar(dir.resolve("plain.tar"), Map.of("hello.txt", bytes("hello")));
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "no manifest.json");
  }

  @Test
  void manifestJsonNamingAMissingFileIsRefused() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("config.json", bytes("{}"));
    files.put("manifest.json", bytes("[{\"Config\":\"config.json\",\"RepoTags\":[],\"Layers\":[\"gone.tar\"]}]"));
    Path file = TestImage.tar(dir.resolve("incomplete.tar"), files);
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "gone.tar", "not in the archive");
  }

  @Test
  void manifestJsonThatIsNotJsonIsRefused() throws Exception {
    Path file = TestImage.tar(dir.resolve("badjson.tar"), Map.of("manifest.json", bytes("{not json")));
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "manifest.json is not valid JSON");
  }

  @Test
  void manifestJsonOfAnotherShapeIsRefused() throws Exception {
    Path file = TestImage.tar(dir.resolve("shape.tar"), Map.of("manifest.json", bytes("{\"schemaVersion\":2}")));
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "not in the docker save format");
  }

  @Test
  void truncatedTarIsRefused() throws Exception {
    byte[] whole = Files.readAllBytes(validArchive());
    Path file = Files.write(dir.resolve("cut.tar"), Arrays.copyOf(whole, 100_000));
    assertFails(() -> DockerArchive.open(file, null), Failure.PROTOCOL, file.toString(), "truncated");
  }

  @Test
  void directoryIsRefused() {
    assertFails(() -> DockerArchive.open(dir, null), Failure.INVALID_INPUT, dir.toString(), "directory");
  }
}
