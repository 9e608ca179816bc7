package dev.moat.image;

import static dev.moat.image.TestImage.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveReadTest {

  private static final String NAME = "example.com/test/app:1.0";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path layout;
  private static Path otherLayout;
  private static Path archive;
  private static Path otherArchive;

  @BeforeAll
  static void buildImages() throws Exception {
    TestImage.assumeTools();
    layout = TestImage.ociLayout(shared.resolve("app"), "app");
    otherLayout = TestImage.ociLayout(shared.resolve("other"), "other");
    archive = TestImage.skopeoArchive(layout, shared.resolve("app.tar"), NAME);
    otherArchive = TestImage.skopeoArchive(otherLayout, shared.resolve("other.tar"), "other:2.0");
  }

  private static JsonNode skopeoManifest(Path file) throws Exception {
    return Json.MAPPER.readTree(TestImage.run("skopeo", "inspect", "--raw", "docker-archive:" + file));
  }

  private static void drainVerified(DockerArchive repo, Descriptor blob) throws Exception {
    try (InputStream in = new VerifyingInputStream(repo.openBlob(blob), blob, repo.describe())) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  @Test
  void skopeoArchiveGivesManifestWhoseBlobsStreamBackWithTheirDigests() throws Exception {
    JsonNode skopeo = skopeoManifest(archive);
    try (DockerArchive repo = DockerArchive.open(archive, ImageReference.parse(NAME))) {
      Manifest manifest = repo.fetchManifest("1.0");

      assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(manifest.config().orElseThrow().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
      assertThat(manifest.config().orElseThrow().digest().toString()).isEqualTo(skopeo.path("config").path("digest").asText());
      List<String> skopeoLayers = new ArrayList<>();
      skopeo.path("layers").forEach(l -> skopeoLayers.add(l.path("digest").asText()));
      assertThat(manifest.layers()).extracting(d -> d.digest().toString()).containsExactlyElementsOf(skopeoLayers);
      // skopeo stores layers uncompressed
      assertThat(manifest.layers()).extracting(Descriptor::mediaType).containsOnly(MediaTypes.DOCKER_LAYER);
      for (Descriptor blob : manifest.blobs()) {
        assertThat(repo.hasBlob(blob)).isTrue();
        drainVerified(repo, blob);
      }
    }
  }

  @Test
  void sameArchiveAlwaysGivesTheSameManifestDigest() throws Exception {
    try (DockerArchive first = DockerArchive.open(archive, null); DockerArchive second = DockerArchive.open(archive, null)) {
      assertThat(first.manifest().bytes()).isEqualTo(second.manifest().bytes());
      assertThat(first.manifest().digest()).isEqualTo(second.manifest().digest());
    }
  }

  @Test
  void answersToItsTagAndDigestOnly() throws Exception {
    try (DockerArchive repo = DockerArchive.open(archive, null)) {
      Manifest manifest = repo.manifest();

      assertThat(repo.findManifest("1.0")).contains(manifest);
      assertThat(repo.findManifest("latest")).contains(manifest);
      assertThat(repo.findManifest(manifest.digest().toString())).contains(manifest);
      assertThat(repo.findManifest("2.0")).isEmpty();
      assertThat(repo.findManifest(Digest.of(bytes("other")).toString())).isEmpty();
      assertThatThrownBy(() -> repo.fetchManifest("2.0"))
          .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
      assertThat(repo.listTags()).containsExactly("1.0");
      assertThat(repo.referrers(manifest.digest(), null)).isEmpty();
      assertThat(repo.identity()).isEqualTo("example.com/test/app");
      assertThat(repo.describe()).isEqualTo("docker-archive:" + archive);
      assertThat(repo.hasBlob(new Descriptor(MediaTypes.DOCKER_LAYER, Digest.of(bytes("x")), 1))).isFalse();
    }
  }

  @Test
  void namedOpenDoesNotAnswerToLatest() throws Exception {
    try (DockerArchive repo = DockerArchive.open(archive, ImageReference.parse(NAME))) {
      assertThat(repo.findManifest("1.0")).isPresent();
      assertThat(repo.findManifest("latest")).isEmpty();
    }
  }

  @Test
  void untaggedArchiveIsIdentifiedByItsPath() throws Exception {
    Path untagged = TestImage.skopeoArchive(layout, dir.resolve("untagged.tar"), null);
    try (DockerArchive repo = DockerArchive.open(untagged, null)) {
      assertThat(repo.identity()).isEqualTo("docker-archive:" + untagged.toAbsolutePath().normalize());
      assertThat(repo.listTags()).isEmpty();
      assertThat(repo.findManifest("latest")).isPresent();
    }
  }

  /** Two skopeo archives merged into one, as {@code docker save a b} writes it. */
  private Path twoImageArchive() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<JsonNode> images = new ArrayList<>();
    for (Path single : List.of(archive, otherArchive)) {
      Map<String, byte[]> members = TestImage.files(single);
      images.add(Json.MAPPER.readTree(members.remove("manifest.json")).get(0));
      members.remove("repositories");
      files.putAll(members);
    }
    files.put("manifest.json", Json.MAPPER.writeValueAsBytes(images));
    return TestImage.tar(dir.resolve("two.tar"), files);
  }

  @Test
  void nameChoosesAmongSeveralImages() throws Exception {
    Path two = twoImageArchive();
    Digest appConfig;
    Digest otherConfig;
    try (DockerArchive single = DockerArchive.open(archive, null); DockerArchive singleOther = DockerArchive.open(otherArchive, null)) {
      appConfig = single.manifest().config().orElseThrow().digest();
      otherConfig = singleOther.manifest().config().orElseThrow().digest();
    }
    assertThat(appConfig).isNotEqualTo(otherConfig);

    try (DockerArchive app = DockerArchive.open(two, ImageReference.parse(NAME));
        DockerArchive other = DockerArchive.open(two, ImageReference.parse("docker.io/library/other:2.0"))) {
      assertThat(app.fetchManifest("1.0").config().orElseThrow().digest()).isEqualTo(appConfig);
      assertThat(other.fetchManifest("2.0").config().orElseThrow().digest()).isEqualTo(otherConfig);
      assertThat(other.identity()).isEqualTo("docker.io/library/other");
      for (Descriptor blob : other.manifest().blobs()) {
        drainVerified(other, blob);
      }
    }
  }

  @Test
  void severalImagesWithoutANameAreRefusedListingTheirTags() throws Exception {
    Path two = twoImageArchive();
    assertThatThrownBy(() -> DockerArchive.open(two, null))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).contains(two.toString(), NAME, "other:2.0");
        });
  }

  @Test
  void aNameNotInTheArchiveIsNotFound() throws Exception {
    Path two = twoImageArchive();
    assertThatThrownBy(() -> DockerArchive.open(two, ImageReference.parse("example.com/test/app:9")))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND);
          assertThat(e.getMessage()).contains("example.com/test/app:9", NAME);
        });
  }

  @Test
  void layersBehindSymbolicLinksAreRead() throws Exception {
    // the legacy docker save layout: <id>/layer.tar, here a link to the layer file as newer tools do
    Map<String, byte[]> files = TestImage.files(archive);
    JsonNode image = Json.MAPPER.readTree(files.remove("manifest.json")).get(0);
    String layerFile = image.path("Layers").get(0).asText();
    files.put("legacy/layer.tar", bytes("->../" + layerFile));
    ((com.fasterxml.jackson.databind.node.ArrayNode) image.path("Layers")).set(0, "legacy/layer.tar");
    files.put("manifest.json", Json.MAPPER.writeValueAsBytes(List.of(image)));
    Path linked = TestImage.tar(dir.resolve("linked.tar"), files);

    try (DockerArchive repo = DockerArchive.open(linked, null); DockerArchive plain = DockerArchive.open(archive, null)) {
      assertThat(repo.manifest().digest()).isEqualTo(plain.manifest().digest());
      drainVerified(repo, repo.manifest().layers().get(0));
    }
  }

  @Test
  void gzipLayerIsDetectedByItsMagic() throws Exception {
    byte[] gzip;
    var buffer = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(buffer)) {
      out.write(bytes("not really a tar, but gzip"));
    }
    gzip = buffer.toByteArray();
    byte[] config = bytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("c.json", config);
    files.put("l.tar", gzip);
    files.put("manifest.json", bytes("[{\"Config\":\"c.json\",\"RepoTags\":null,\"Layers\":[\"l.tar\"]}]"));
    Path file = TestImage.tar(dir.resolve("gz.tar"), files);

    try (DockerArchive repo = DockerArchive.open(file, null)) {
      Descriptor layer = repo.manifest().layers().get(0);
      assertThat(layer.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
      assertThat(layer.digest()).isEqualTo(Digest.of(gzip));
      assertThat(repo.manifest().config().orElseThrow().digest()).isEqualTo(Digest.of(config));
      try (InputStream in = repo.openBlob(layer)) {
        assertThat(in.readAllBytes()).isEqualTo(gzip);
      }
    }
  }

  @Test
  void zstdLayerMakesAnOciManifest() throws Exception {
    byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3};
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("c.json", bytes("{\"os\":\"linux\"}"));
    files.put("l.tar", zstd);
    files.put("manifest.json", bytes("[{\"Config\":\"c.json\",\"Layers\":[\"l.tar\"]}]"));
    Path file = TestImage.tar(dir.resolve("zstd.tar"), files);

    try (DockerArchive repo = DockerArchive.open(file, null)) {
      Manifest manifest = repo.manifest();
      assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(manifest.config().orElseThrow().mediaType()).isEqualTo(MediaTypes.OCI_CONFIG);
      assertThat(manifest.layers().get(0).mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
      assertThat(manifest.layers().get(0).digest()).isEqualTo(Digest.of(zstd));
    }
  }
}
