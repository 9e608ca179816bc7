package dev.moat.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.Json;
import dev.moat.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SigstoreBundleLayoutParseTest {

  private static final Descriptor IMAGE = Descriptor.of(MediaTypes.OCI_MANIFEST, "the image".getBytes(StandardCharsets.UTF_8));
  private static final Digest OTHER = Digest.of("another image".getBytes(StandardCharsets.UTF_8));

  private static StoredSignature parse(List<InTotoStatement.Subject> subjects) {
    byte[] statement = new InTotoStatement(subjects, SigstoreBundleLayout.PREDICATE_TYPE, Json.MAPPER.createObjectNode()).toBytes();
    byte[] bundle = SigstoreBundleLayout.bundle(statement, new byte[] {1, 2, 3}, "key-id");
    return SigstoreBundleLayout.parse(bundle, IMAGE, "test bundle");
  }

  @Test
  void theSignedAnnotationsAreThoseOfTheSubjectThatNamesTheImage() {
    StoredSignature signature = parse(List.of(
        new InTotoStatement.Subject("other", OTHER, Map.of("env", "prod", "team", "payments")),
        new InTotoStatement.Subject("image", IMAGE.digest(), Map.of("env", "staging"))));

    assertThat(signature.claimedDigest()).isEqualTo(IMAGE.digest());
    assertThat(signature.annotations()).containsExactly(Map.entry("env", "staging"));
  }

  @Test
  void aSubjectWithoutAnnotationsAfterAnAnnotatedOneHasNone() {
    StoredSignature signature = parse(List.of(
        new InTotoStatement.Subject("other", OTHER, Map.of("env", "prod")),
        new InTotoStatement.Subject("image", IMAGE.digest(), Map.of())));

    assertThat(signature.annotations()).isEmpty();
    assertThat(signature.keyHint()).isEqualTo("key-id");
  }
}
