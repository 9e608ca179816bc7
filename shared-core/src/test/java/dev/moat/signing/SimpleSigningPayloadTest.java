package dev.moat.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.MoatException;
import dev.moat.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleSigningPayloadTest {

  private static final Digest IMAGE = Digest.of("image".getBytes(StandardCharsets.UTF_8));

  @Test
  void onlyStringValuesOfTheOptionalSectionAreAnnotationsAsCosignMatchesThem() throws MoatException {
    String json = "{\"critical\":{\"identity\":{\"docker-reference\":\"example.com/app\"},\"image\":{\"docker-manifest-digest\":\""
        + IMAGE + "\"},\"type\":\"cosign container image signature\"},"
        + "\"optional\":{\"env\":\"prod\",\"build\":42,\"flag\":true,\"none\":null,\"nested\":{\"a\":\"b\"},\"list\":[\"x\"]}}";

    SimpleSigningPayload payload = SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8), "test payload");

    assertThat(payload.annotations()).containsExactly(Map.entry("env", "prod"));
    assertThat(payload.manifestDigest()).isEqualTo(IMAGE);
  }

  @Test
  void whatMoatWritesReadsBackTheSame() throws MoatException {
    SimpleSigningPayload written = new SimpleSigningPayload("example.com/app", IMAGE, Map.of("build", "42", "env", "prod"));

    SimpleSigningPayload read = SimpleSigningPayload.parse(written.toBytes(), "test payload");

    assertThat(read.annotations()).isEqualTo(Map.of("build", "42", "env", "prod"));
    assertThat(read.dockerReference()).isEqualTo("example.com/app");
  }
}
