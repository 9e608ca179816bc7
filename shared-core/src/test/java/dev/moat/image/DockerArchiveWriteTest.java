package dev.moat.image;

import static dev.moat.image.TestImage.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveWriteTest {

  private static final String NAME = "example.com/test/app:1.0";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path layout;

  @BeforeAll
  static void buildImage() throws Exception {
    TestImage.assumeTools();
    layout = TestImage.ociLayout(shared.resolve("app"), "app");
  }

  /** What a copier does: every blob pushed from several threads, then the manifest. */
  private static void copy(ImageRepository source, Manifest manifest, DockerArchive target, String tag) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> pushes = new ArrayList<>();
      for (Descriptor blob : manifest.blobs()) {
        pushes.add(pool.submit(() -> {
          target.pushBlob(blob, () -> source.openBlob(blob));
          return null;
        }));
      }
      for (Future<Void> push : pushes) {
        push.get();
      }
    } finally {
      pool.shutdown();
    }
    target.pushManifest(manifest, tag);
  }

  private static void assertFails(ThrowingCallable call, Failure failure, String fragment) {
    assertThatThrownBy(call).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(failure);
      assertThat(e.getMessage()).contains(fragment);
    });
  }

  /** Everything in {@code dir} but the named files: leftovers of a write. */
  private List<Path> leftovers(Path... expected) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> !List.of(expected).contains(f)).toList();
    }
  }

  private static List<String> layerDigests(JsonNode manifest) {
    List<String> digests = new ArrayList<>();
    manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
    return digests;
  }

  @Test
  void archiveWrittenFromAnOciLayoutIsReadBySkopeo() throws Exception {
    Path file = dir.resolve("out.tar");
    OciLayout oci = OciLayout.open(layout);
    Manifest manifest = oci.fetchManifest("t");
    try (DockerArchive target = DockerArchive.create(file, ImageReference.parse(NAME))) {
      copy(oci, manifest, target, "1.0");
      assertThat(target.findManifest("1.0")).contains(manifest);
      assertThat(target.listTags()).containsExactly("1.0");
    }
    assertThat(leftovers(file)).isEmpty();

    // skopeo finds the image by the name in RepoTags
    JsonNode inspect = Json.MAPPER.readTree(TestImage.run("skopeo", "inspect", "docker-archive:" + file + ":" + NAME));
    assertThat(inspect.path("Name").asText()).isEqualTo("example.com/test/app");
    JsonNode raw = Json.MAPPER.readTree(TestImage.run("skopeo", "inspect", "--raw", "docker-archive:" + file));
    Descriptor config = manifest.config().orElseThrow();
    assertThat(raw.path("config").path("digest").asText()).isEqualTo(config.digest().toString());

    Path out = dir.resolve("oci-out");
    TestImage.run("skopeo", "copy", "-q", "--preserve-digests", "docker-archive:" + file, "oci:" + out + ":t");
    Manifest copied = OciLayout.open(out).fetchManifest("t");
    assertThat(copied.config().orElseThrow().digest()).isEqualTo(config.digest());
    // skopeo hands out docker-archive layers uncompressed: their digests are the config's diff_ids
    JsonNode configJson;
    try (var in = oci.openBlob(config)) {
      configJson = Json.MAPPER.readTree(in);
    }
    List<String> diffIds = new ArrayList<>();
    configJson.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
    assertThat(layerDigests(copied.json())).isEqualTo(diffIds).isNotEmpty();
  }

  @Test
  void writtenArchiveHoldsManifestJsonConfigAndLayersAsPushed() throws Exception {
    Path file = dir.resolve("out.tar");
    OciLayout oci = OciLayout.open(layout);
    Manifest manifest = oci.fetchManifest("t");
    try (DockerArchive target = DockerArchive.create(file, ImageReference.parse(NAME))) {
      copy(oci, manifest, target, null);
    }

    Map<String, byte[]> files = TestImage.files(file);
    Descriptor config = manifest.config().orElseThrow();
    JsonNode image = Json.MAPPER.readTree(files.get("manifest.json")).get(0);
    assertThat(image.path("Config").asText()).isEqualTo(config.digest().hex() + ".json");
    assertThat(image.path("RepoTags").toString()).isEqualTo("[\"" + NAME + "\"]");
    assertThat(Digest.of(files.get(config.digest().hex() + ".json"))).isEqualTo(config.digest());
    for (Descriptor layer : manifest.layers()) {
      assertThat(Digest.of(files.get(layer.digest().hex() + ".tar"))).isEqualTo(layer.digest());
    }

    try (DockerArchive back = DockerArchive.open(file, null)) {
      Manifest read = back.fetchManifest("1.0");
      assertThat(read.layers()).extracting(Descriptor::digest).containsExactlyElementsOf(manifest.layers().stream().map(Descriptor::digest).toList());
      assertThat(read.layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_LAYER_GZIP);
      assertThat(back.identity()).isEqualTo("example.com/test/app");
    }
  }

  @Test
  void skopeoArchiveCopiedThroughMoatKeepsItsLayerDigests() throws Exception {
    Path original = TestImage.skopeoArchive(layout, dir.resolve("skopeo.tar"), NAME);
    Path file = dir.resolve("moat.tar");
    List<String> before;
    try (DockerArchive source = DockerArchive.open(original, null); DockerArchive target = DockerArchive.create(file, null)) {
      Manifest manifest = source.fetchManifest("1.0");
      before = layerDigests(manifest.json());
      copy(source, manifest, target, null);
    }

    Path out = dir.resolve("oci-out");
    TestImage.run("skopeo", "copy", "-q", "--preserve-digests", "docker-archive:" + file, "oci:" + out + ":t");
    assertThat(layerDigests(OciLayout.open(out).fetchManifest("t").json())).isEqualTo(before);
    try (DockerArchive untagged = DockerArchive.open(file, null)) {
      assertThat(untagged.listTags()).isEmpty();
      assertThat(Json.MAPPER.readTree(TestImage.files(file).get("manifest.json")).get(0).path("RepoTags")).isEmpty();
    }
  }

  @Test
  void indexIsRefusedAskingForOnePlatform() throws Exception {
    byte[] index = bytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}");
    try (DockerArchive target = DockerArchive.create(dir.resolve("out.tar"), null)) {
      assertFails(() -> target.pushManifest(Json.manifest(index, null, "test"), "1.0"), Failure.INVALID_INPUT, "pick one with --platform");
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void signaturesAreRefused() throws Exception {
    OciLayout oci = OciLayout.open(layout);
    Manifest image = oci.fetchManifest("t");
    byte[] empty = bytes("{}");
    Descriptor emptyConfig = new Descriptor(MediaTypes.OCI_EMPTY, Digest.of(empty), empty.length);
    String withSubject = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + emptyConfig.digest() + "\",\"size\":2},\"layers\":[],"
        + "\"subject\":{\"mediaType\":\"" + image.mediaType() + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.bytes().length + "}}";
    String cosignSig = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + emptyConfig.digest() + "\",\"size\":2},\"layers\":[]}";
    try (DockerArchive target = DockerArchive.create(dir.resolve("out.tar"), ImageReference.parse(NAME))) {
      target.pushBlob(emptyConfig, () -> new ByteArrayInputStream(empty));
      String message = "a docker archive cannot hold signatures";
      assertFails(() -> target.pushManifest(Json.manifest(bytes(withSubject), null, "test"), null), Failure.INVALID_INPUT, message);
      assertFails(() -> target.pushManifest(Json.manifest(bytes(cosignSig), null, "test"), image.digest().tagForm() + ".sig"), Failure.INVALID_INPUT, message);
      String artifact = withSubject.substring(0, withSubject.indexOf(",\"subject\"")) + "}";
      assertFails(() -> target.pushManifest(Json.manifest(bytes(artifact), null, "test"), null), Failure.INVALID_INPUT, message);
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void secondDifferentImageIsRefusedAndTheSameImageAgainIsANoOp() throws Exception {
    Path file = dir.resolve("out.tar");
    OciLayout oci = OciLayout.open(layout);
    Manifest manifest = oci.fetchManifest("t");
    try (DockerArchive target = DockerArchive.create(file, ImageReference.parse(NAME))) {
      copy(oci, manifest, target, "1.0");
      byte[] first = Files.readAllBytes(file);
      assertThat(target.pushManifest(manifest, null)).isFalse();
      assertThat(Files.readAllBytes(file)).isEqualTo(first);

      String other = new String(manifest.bytes(), java.nio.charset.StandardCharsets.UTF_8).replaceFirst("\\{", "{\"annotations\":{\"x\":\"y\"},");
      assertFails(() -> target.pushManifest(Json.manifest(bytes(other), null, "test"), "2.0"), Failure.INVALID_INPUT, "already holds image");
    }
  }

  @Test
  void existingFileIsRefusedUnlessEmpty() throws Exception {
    Path full = Files.writeString(dir.resolve("full.tar"), "data");
    assertFails(() -> DockerArchive.create(full, null), Failure.INVALID_INPUT, "already exists");
    assertThat(Files.readString(full)).isEqualTo("data");

    Path empty = Files.createFile(dir.resolve("empty.tar"));
    OciLayout oci = OciLayout.open(layout);
    try (DockerArchive target = DockerArchive.create(empty, null)) {
      copy(oci, oci.fetchManifest("t"), target, null);
    }
    try (DockerArchive back = DockerArchive.open(empty, null)) {
      assertThat(back.manifest().layers()).hasSize(1);
    }
  }

  @Test
  void blobWithTheWrongDigestIsRefusedAndNotKept() throws Exception {
    Descriptor claimed = new Descriptor(MediaTypes.OCI_LAYER, Digest.of(bytes("expected")), 8);
    try (DockerArchive target = DockerArchive.create(dir.resolve("out.tar"), null)) {
      assertFails(() -> target.pushBlob(claimed, () -> new ByteArrayInputStream(bytes("tampered"))), Failure.PROTOCOL, claimed.digest().toString());
      assertThat(target.hasBlob(claimed)).isFalse();
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void failedWriteLeavesNoTargetFile() throws Exception {
    Path file = dir.resolve("out.tar");
    OciLayout oci = OciLayout.open(layout);
    Manifest manifest = oci.fetchManifest("t");
    try (DockerArchive target = DockerArchive.create(file, ImageReference.parse(NAME))) {
      Descriptor config = manifest.config().orElseThrow();
      target.pushBlob(config, () -> oci.openBlob(config));
      assertFails(() -> target.pushManifest(manifest, "1.0"), Failure.INVALID_INPUT, "was not pushed");
      assertThat(file).doesNotExist();
    }
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void closingBeforeTheManifestRemovesStagedBlobs() throws Exception {
    OciLayout oci = OciLayout.open(layout);
    Manifest manifest = oci.fetchManifest("t");
    DockerArchive target = DockerArchive.create(dir.resolve("out.tar"), null);
    for (Descriptor blob : manifest.blobs()) {
      target.pushBlob(blob, () -> oci.openBlob(blob));
      assertThat(target.hasBlob(blob)).isTrue();
    }
    assertThat(leftovers()).hasSize(1);
    target.close();
    assertThat(leftovers()).isEmpty();
  }
}
