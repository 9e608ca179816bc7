package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.image.Descriptor;
import dev.moat.image.ImageReference;
import dev.moat.image.ImageStores;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.RegistryOptions;
import dev.moat.image.RegistryRepository;
import dev.moat.signing.CosignSignatureLayout;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures altered in the registry after signing are rejected with the right exit code: a tampered
 * payload or signature (11), a signature replayed onto another image (13), a tag moved away from the
 * pinned digest (13). The tampering writes straight to the real registry through Moat's registry client.
 */
class TamperTest {

  static LocalRegistry registry;
  static Path work;
  static ImageStores stores;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    work = dir;
    registry = LocalRegistry.plain();
    stores = new ImageStores(RegistryOptions.defaults());
    Path layout = TestImages.build(dir, "a", "amd64", Map.of("/etc/app", "A"));
    TestImages.build(dir, "b", "amd64", Map.of("/etc/app", "B"));
    for (String repo : List.of("payload", "signature", "replay", "moved")) {
      TestImages.push(layout, "a", registry, repo + "/app:a");
      TestImages.push(layout, "b", registry, repo + "/app:b");
    }
    MoatProcess.generateKeys(dir, "signer");
  }

  @AfterAll
  static void stop() throws Exception {
    if (stores != null) {
      stores.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private static MoatProcess.Result moat(String... args) throws Exception {
    return MoatProcess.run(Map.of(), work, args);
  }

  private static RegistryRepository repo(String name) throws Exception {
    return stores.registry(ImageReference.parse(registry.host() + "/" + name));
  }

  /** Rewrites the .sig manifest of {@code image} with an edit applied to its first layer (and its payload). */
  private static void rewriteSignature(RegistryRepository repo, Manifest image, boolean alterPayload, boolean alterSignature) throws Exception {
    String tag = CosignSignatureLayout.tag(image.digest());
    Manifest sig = repo.fetchManifest(tag);
    ObjectNode json = (ObjectNode) sig.json().deepCopy();
    ObjectNode layer = (ObjectNode) json.withArray("layers").get(0);
    if (alterPayload) {
      Descriptor blob = sig.layers().get(0);
      byte[] payload;
      try (InputStream in = repo.openBlob(blob)) {
        payload = in.readAllBytes();
      }
      byte[] altered = new String(payload, StandardCharsets.UTF_8).replace("\"optional\":null", "\"optional\":{\"approved\":\"yes\"}")
          .getBytes(StandardCharsets.UTF_8);
      assertThat(altered).isNotEqualTo(payload);
      Descriptor alteredBlob = Descriptor.of(blob.mediaType(), altered);
      repo.pushBlob(alteredBlob, () -> new ByteArrayInputStream(altered));
      layer.put("digest", alteredBlob.digest().toString());
      layer.put("size", altered.length);
    }
    if (alterSignature) {
      ObjectNode annotations = (ObjectNode) layer.get("annotations");
      byte[] signature = Base64.getDecoder().decode(annotations.get(CosignSignatureLayout.SIGNATURE_ANNOTATION).asText());
      signature[signature.length - 1] ^= 0x01;
      annotations.put(CosignSignatureLayout.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signature));
    }
    repo.pushManifest(Json.manifest(Json.bytes(json), sig.mediaType(), "tampered"), tag);
  }

  @Test
  void tamperedPayloadIsAnInvalidSignature() throws Exception {
    String ref = registry.host() + "/payload/app:a";
    assertThat(moat("sign", ref, "--key", "signer.key", "--signature-layout", "legacy").exitCode()).isZero();
    RegistryRepository repo = repo("payload/app");
    rewriteSignature(repo, repo.fetchManifest("a"), true, false);
    MoatProcess.Result verify = moat("verify", ref, "--key", "signer.pub");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(11);
    assertThat(verify.stderr()).contains("does not verify");
  }

  @Test
  void tamperedSignatureIsAnInvalidSignature() throws Exception {
    String ref = registry.host() + "/signature/app:a";
    assertThat(moat("sign", ref, "--key", "signer.key", "--signature-layout", "legacy").exitCode()).isZero();
    RegistryRepository repo = repo("signature/app");
    rewriteSignature(repo, repo.fetchManifest("a"), false, true);
    MoatProcess.Result verify = moat("verify", ref, "--key", "signer.pub");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(11);
  }

  @Test
  void signatureReplayedOntoAnotherImageIsADigestMismatch() throws Exception {
    String refA = registry.host() + "/replay/app:a";
    assertThat(moat("sign", refA, "--key", "signer.key", "--signature-layout", "legacy").exitCode()).isZero();
    RegistryRepository repo = repo("replay/app");
    Manifest a = repo.fetchManifest("a");
    Manifest b = repo.fetchManifest("b");
    repo.pushManifest(repo.fetchManifest(CosignSignatureLayout.tag(a.digest())), CosignSignatureLayout.tag(b.digest()));
    MoatProcess.Result verify = moat("verify", registry.host() + "/replay/app:b", "--key", "signer.pub");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(13);
    assertThat(verify.stderr()).contains(a.digest().toString());
  }

  @Test
  void tagMovedAwayFromThePinnedDigestIsADigestMismatch() throws Exception {
    String ref = registry.host() + "/moved/app:release";
    RegistryRepository repo = repo("moved/app");
    Manifest a = repo.fetchManifest("a");
    repo.pushManifest(a, "release");
    assertThat(moat("sign", ref, "--key", "signer.key").exitCode()).isZero();
    assertThat(moat("verify", ref + "@" + a.digest(), "--key", "signer.pub").exitCode()).isZero();
    repo.pushManifest(repo.fetchManifest("b"), "release");
    MoatProcess.Result pinned = moat("verify", ref + "@" + a.digest(), "--key", "signer.pub");
    assertThat(pinned.exitCode()).as(pinned.all()).isEqualTo(13);
    assertThat(pinned.stderr()).contains("now points at");
    MoatProcess.Result unpinned = moat("verify", ref, "--key", "signer.pub");
    assertThat(unpinned.exitCode()).as("the moved tag names an unsigned image").isEqualTo(10);
  }
}
