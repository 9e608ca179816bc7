package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {

  @TempDir Path dir;

  private Manifest sample(OciLayout layout, String tag, String content) throws MoatException {
    return new ImageBuilder()
        .layer(List.of(new ImageBuilder.File("etc/x", content.getBytes(StandardCharsets.UTF_8), 0644)))
        .writeTo(layout, tag);
  }

  @Test
  void writesAndReadsBackByTagAndDigest() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(dir.resolve("l"));
    Manifest written = sample(layout, "v1", "one");
    assertThat(layout.fetchManifest("v1").digest()).isEqualTo(written.digest());
    assertThat(layout.fetchManifest(written.digest().toString()).bytes()).isEqualTo(written.bytes());
    for (Descriptor blob : written.blobs()) {
      try (InputStream in = new VerifyingInputStream(layout.openBlob(blob), blob, "test")) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    assertThat(layout.listTags()).containsExactly("v1");
  }

  @Test
  void retaggingReplacesTheIndexEntry() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(dir.resolve("l"));
    sample(layout, "v1", "one");
    Manifest second = sample(layout, "v1", "two");
    assertThat(layout.fetchManifest("v1").digest()).isEqualTo(second.digest());
    assertThat(layout.indexEntries()).hasSize(1);
  }

  @Test
  void blobWithWrongDigestIsRefusedAndNotKept() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(dir.resolve("l"));
    byte[] real = "real".getBytes(StandardCharsets.UTF_8);
    Descriptor claimed = Descriptor.of("application/octet-stream", "claimed".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> layout.pushBlob(new Descriptor(claimed.mediaType(), claimed.digest(), real.length), () -> new ByteArrayInputStream(real)))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.PROTOCOL));
    try (var files = Files.list(dir.resolve("l/blobs/sha256"))) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void referrersAreListedThroughTheFallbackTag() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(dir.resolve("l"));
    Manifest image = sample(layout, "v1", "one");
    String artifact = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"x/y\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
        + "\"layers\":[],\"subject\":{\"mediaType\":\"" + image.mediaType() + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.bytes().length + "}}";
    Manifest m = Json.manifest(artifact.getBytes(StandardCharsets.UTF_8), null, "artifact");
    ReferrersIndex.attach(layout, m);
    ReferrersIndex.attach(layout, m);
    assertThat(layout.referrers(image.digest(), "x/y")).extracting(Descriptor::digest).containsExactly(m.digest());
    assertThat(layout.referrers(image.digest(), "other/type")).isEmpty();
  }

  @Test
  void aDirectoryThatIsNotALayoutIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("notlayout"));
    Files.writeString(dir.resolve("notlayout/file"), "x");
    assertThatThrownBy(() -> OciLayout.openOrCreate(dir.resolve("notlayout")))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT));
    assertThatThrownBy(() -> OciLayout.open(dir.resolve("missing")))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
  }
}
