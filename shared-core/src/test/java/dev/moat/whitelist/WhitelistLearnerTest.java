package dev.moat.whitelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.MediaTypes;
import dev.moat.image.OciLayout;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner over a real OCI layout written by Moat's own layout store. */
class WhitelistLearnerTest {

  @TempDir Path work;

  private static Descriptor push(OciLayout layout, String mediaType, byte[] bytes) throws MoatException {
    Descriptor descriptor = Descriptor.of(mediaType, bytes);
    layout.pushBlob(descriptor, () -> new ByteArrayInputStream(bytes));
    return descriptor;
  }

  private static Manifest image(OciLayout layout, String arch, byte[]... layers) throws MoatException {
    byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
        .getBytes(StandardCharsets.UTF_8);
    List<Descriptor> descriptors = new ArrayList<>();
    for (byte[] layer : layers) {
      descriptors.add(push(layout, MediaTypes.OCI_LAYER_GZIP, layer));
    }
    Manifest manifest = Manifest.ofImage(push(layout, MediaTypes.OCI_CONFIG, config), descriptors, null, null, Map.of());
    layout.pushManifest(manifest, null);
    return manifest;
  }

  private static Manifest index(OciLayout layout, Map<String, Manifest> images) throws MoatException {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("schemaVersion", 2);
    json.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = json.putArray("manifests");
    images.forEach((platform, m) -> {
      ObjectNode node = manifests.addObject();
      node.put("mediaType", m.mediaType());
      node.put("digest", m.digest().toString());
      node.put("size", m.bytes().length);
      node.putObject("platform").put("os", platform.split("/")[0]).put("architecture", platform.split("/")[1]);
    });
    Manifest index = Json.manifest(Json.bytes(json), MediaTypes.OCI_INDEX, "test index");
    layout.pushManifest(index, "1");
    return index;
  }

  @Test
  void learnsThePlatformAskedFromAnIndexSkippingAttestations() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(work.resolve("layout"));
    Manifest amd = image(layout, "amd64", new TarLayer().file("bin/amd", 0755, "#!/bin/sh\n").gzip());
    Manifest arm = image(layout, "arm64", new TarLayer().file("bin/arm", 0755, "#!/bin/sh\n").gzip());
    Manifest attestation = image(layout, "unknown", new TarLayer().file("x", 0644, "{}").gzip());
    Manifest index = index(layout, new java.util.LinkedHashMap<>(Map.of("linux/amd64", amd, "linux/arm64", arm, "unknown/unknown", attestation)));
    List<String> progress = new ArrayList<>();

    Whitelist one = new WhitelistLearner(LearnOptions.defaults(), progress::add).learn(layout, index, "oci:layout:1");
    Whitelist all = new WhitelistLearner(LearnOptions.defaults().withPlatform("all"), line -> {}).learn(layout, index, "oci:layout:1");

    assertThat(one.image()).isEqualTo(new Whitelist.ImageInfo("oci:layout:1", layout.identity(), index.digest().toString()));
    assertThat(one.platforms()).singleElement().satisfies(p -> {
      assertThat(p.platform()).isEqualTo("linux/amd64");
      assertThat(p.manifestDigest()).isEqualTo(amd.digest().toString());
      assertThat(p.entries()).extracting(WhitelistEntry::path).containsExactly("/bin/amd");
    });
    assertThat(all.platforms()).extracting(PlatformWhitelist::platform).containsExactly("linux/amd64", "linux/arm64");
    assertThat(progress).anySatisfy(line -> assertThat(line).contains(amd.layers().get(0).digest().toString()));
  }

  @Test
  void aMissingPlatformNamesThoseThereAre() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(work.resolve("layout"));
    Manifest amd = image(layout, "amd64", new TarLayer().file("bin/amd", 0755, "#!/bin/sh\n").gzip());
    Manifest index = index(layout, Map.of("linux/amd64", amd));

    assertThatThrownBy(() -> new WhitelistLearner(LearnOptions.defaults().withPlatform("linux/s390x"), l -> {}).learn(layout, index, "x"))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND);
          assertThat(e.getMessage()).contains("linux/s390x").contains("linux/amd64");
        });
  }

  @Test
  void twoLearnsOfOneImageGiveTheSameBytes() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(work.resolve("layout"));
    byte[][] layers = new byte[6][];
    for (int i = 0; i < layers.length; i++) {
      TarLayer layer = new TarLayer();
      for (int f = 0; f < 50; f++) {
        layer.file("usr/bin/tool-" + ((f * 7 + i) % 50), 0755, "#!/bin/sh\necho " + i + " " + f + "\n").symlink("bin/l" + f, "/usr/bin/tool-" + f);
      }
      layers[i] = layer.gzip();
    }
    Manifest manifest = image(layout, "amd64", layers);
    LearnOptions options = new LearnOptions("linux/amd64", LearnOptions.DEFAULT_MAX_LAYER_BYTES, 3);

    byte[] first = WhitelistDocument.toBytes(new WhitelistLearner(options, l -> {}).learn(layout, manifest, "r"));
    byte[] second = WhitelistDocument.toBytes(new WhitelistLearner(options.withPlatform("all"), l -> {}).learn(layout, manifest, "r"));

    assertThat(second).isEqualTo(first);
    Whitelist parsed = WhitelistDocument.parse(first, "test");
    assertThat(parsed.platforms().get(0).entries()).hasSize(100);
    assertThat(parsed.platforms().get(0).layers()).hasSize(6);
  }

  @Test
  void oneHostileLayerFailsTheLearnWithItsDigest() throws Exception {
    OciLayout layout = OciLayout.openOrCreate(work.resolve("layout"));
    byte[] good = new TarLayer().file("bin/ok", 0755, "#!/bin/sh\n").gzip();
    byte[] evil = new TarLayer().file("../../escape", 0755, "#!/bin/sh\n").gzip();
    Manifest manifest = image(layout, "amd64", good, good, evil, good);

    assertThatThrownBy(() -> new WhitelistLearner(LearnOptions.defaults(), l -> {}).learn(layout, manifest, "r"))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.LAYER_REJECTED);
          assertThat(e.getMessage()).contains(TarLayer.descriptor(evil).digest().toString()).contains("../../escape");
        });
  }
}
