package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static final String EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static Manifest parse(String json) throws MoatException {
    return Json.manifest(json.getBytes(StandardCharsets.UTF_8), null, "test manifest");
  }

  @Test
  void anIndexEntryIsReadWithEveryField() throws MoatException {
    Manifest index = parse("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":527,
           "artifactType":"application/vnd.example","annotations":{"b":"2","a":"1","n":7},
           "platform":{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"]},"urls":["u"]}]}
        """.formatted(EMPTY));

    Descriptor entry = index.manifests().get(0);

    assertThat(entry.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(entry.digest()).hasToString(EMPTY);
    assertThat(entry.size()).isEqualTo(527);
    assertThat(entry.artifactType()).isEqualTo("application/vnd.example");
    assertThat(entry.annotations()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"), Map.entry("n", "7"));
    assertThat(entry.platform()).hasToString("linux/arm64/v8");
  }

  @Test
  void absentFieldsAreAbsent() throws MoatException {
    Manifest manifest = parse("""
        {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":0},
         "layers":[{"digest":"%s","size":"12"}]}""".formatted(EMPTY, EMPTY));

    Descriptor layer = manifest.layers().get(0);

    assertThat(layer.mediaType()).isNull();
    assertThat(layer.size()).as("a size given as a string of digits").isEqualTo(12);
    assertThat(layer.artifactType()).isNull();
    assertThat(layer.annotations()).isNull();
    assertThat(layer.platform()).isNull();
    assertThat(manifest.config().orElseThrow().size()).isZero();
    assertThat(manifest.subject()).isEmpty();
  }

  @Test
  void aMalformedDescriptorIsAProtocolErrorNamingTheProblem() {
    List<String> bad = List.of(
        "{\"digest\":\"sha256:abc\",\"size\":1}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":\"ten\"}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1.5}",
        "{\"digest\":{\"sha256\":\"x\"},\"size\":1}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1,\"annotations\":[\"a\"]}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1,\"annotations\":{\"a\":{\"b\":1}}}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1,\"platform\":{\"os\":[\"linux\"]}}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1,\"platform\":\"linux/amd64\"}",
        "{\"digest\":\"" + EMPTY + "\",\"size\":1,\"platform\":[]}",
        "\"" + EMPTY + "\"");
    for (String layer : bad) {
      String json = "{\"schemaVersion\":2,\"layers\":[" + layer + "]}";
      assertThatThrownBy(() -> parse(json))
          .as(layer)
          .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.PROTOCOL))
          .hasMessageContaining("test manifest has a malformed descriptor");
    }
  }

  @Test
  void aMalformedSubjectIsAProtocolErrorToo() {
    assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"layers\":[],\"subject\":{\"digest\":\"sha256:zz\",\"size\":1}}"))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.PROTOCOL))
        .hasMessageContaining("malformed descriptor");
  }

  @Test
  void aNewManifestWritesDescriptorsInTheSpecsOrderWithAnnotationsSorted() throws MoatException {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("z", "1");
    annotations.put("a", "2");
    Descriptor config = new Descriptor(MediaTypes.OCI_CONFIG, Digest.parse(EMPTY), 0);
    Descriptor layer = new Descriptor("application/vnd.oci.image.layer.v1.tar", Digest.parse(EMPTY), 5, "", annotations,
        new Descriptor.Platform("amd64", "linux", null));
    Descriptor subject = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.parse(EMPTY), 9, "ignored", annotations, null);

    Manifest manifest = Manifest.ofImage(config, List.of(layer), "application/vnd.example", subject, annotations);

    assertThat(new String(manifest.bytes(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"artifactType\":\"application/vnd.example\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + EMPTY + "\",\"size\":0},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + EMPTY + "\",\"size\":5,"
            + "\"annotations\":{\"a\":\"2\",\"z\":\"1\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}],"
            + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + EMPTY + "\",\"size\":9},"
            + "\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}");
    assertThat(manifest.layers()).containsExactly(layer.withArtifactType(null));
  }
}
