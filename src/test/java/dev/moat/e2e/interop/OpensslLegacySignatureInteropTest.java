package dev.moat.e2e.interop;

import static dev.moat.e2e.interop.InteropTools.copy;
import static dev.moat.e2e.interop.InteropTools.digest;
import static dev.moat.e2e.interop.InteropTools.moat;
import static dev.moat.e2e.interop.InteropTools.script;
import static dev.moat.e2e.interop.InteropTools.tagForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosign's legacy layout (SIGNATURE_SPEC.md) between Moat and an independent implementation made of curl,
 * openssl and a shell: the simple-signing payload, the {@code sha256-<hex>.sig} tag, the base64 DER
 * ECDSA-P256/SHA-256 signature in the layer annotation {@code dev.cosignproject.cosign/signature}.
 */
class OpensslLegacySignatureInteropTest {

  static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  static String missing;
  static LocalRegistry registry;
  static Path work;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    missing = InteropTools.missingTools(false);
    if (missing != null) {
      return;
    }
    work = dir;
    registry = InteropTools.registryWithTwoImages(dir);
  }

  @BeforeEach
  void toolsPresent() {
    InteropTools.assumeTools(missing);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  /** Copies team/app:TAG to REPOSITORY:TAG and signs it with Moat in the legacy layout; returns its digest. */
  private String signWithMoat(String repository, String tag) throws Exception {
    copy(work, registry, "team/app:" + tag, repository + ":" + tag);
    MoatProcess.Result sign = moat(work, "sign", registry.host() + "/" + repository + ":" + tag, "--key", "alice.key", "--signature-layout", "legacy");
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    return digest(work, registry, repository + ":" + tag);
  }

  private MoatProcess.Result opensslVerify(String repository, String digest, String publicKey) throws Exception {
    return script(work, "legacy-verify.sh", registry.host(), repository, digest, publicKey);
  }

  @Test
  void signatureWrittenPerSpecWithOpensslVerifiesWithMoatAndOnlyWithTheSigningKey() throws Exception {
    String repository = "openssl-signed/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    String digest = digest(work, registry, repository + ":v1");

    MoatProcess.Result sign = script(work, "legacy-sign.sh", registry.host(), repository, digest, "alice.key");
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");
    MoatProcess.Result otherKey = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "bob.pub");

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stdout()).contains("signed by alice.pub");
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(12);
  }

  @Test
  void payloadWithTheSpecExampleSpellingDockerManifestDigestVerifiesWithMoat() throws Exception {
    String repository = "openssl-signed-spelling/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    String digest = digest(work, registry, repository + ":v1");

    MoatProcess.Result sign = script(Map.of("PAYLOAD_DIGEST_KEY", "Docker-manifest-digest"), work, "legacy-sign.sh",
        registry.host(), repository, digest, "alice.key");
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");

    assertThat(verify.exitCode()).as(verify.all()).isZero();
  }

  @Test
  void signatureMoatWritesVerifiesWithOpensslAndNamesTheImageDigest() throws Exception {
    String digest = signWithMoat("moat-legacy/app", "v1");

    MoatProcess.Result verify = opensslVerify("moat-legacy/app", digest, "alice.pub");
    MoatProcess.Result otherKey = opensslVerify("moat-legacy/app", digest, "bob.pub");

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stdout()).contains("Verified OK", "payload names " + digest);
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(1);
    assertThat(otherKey.stdout()).contains("Verification failure");
  }

  @Test
  void moatSignatureMovedToAnotherImageFailsTheDigestCheckInBoth() throws Exception {
    String repository = "moved/app";
    String signed = signWithMoat(repository, "v1");
    copy(work, registry, "team/app:v2", repository + ":v2");
    String other = digest(work, registry, repository + ":v2");
    byte[] signature = InteropTools.getManifest(registry, repository, tagForm(signed) + ".sig");
    InteropTools.putManifest(registry, repository, tagForm(other) + ".sig", signature);

    MoatProcess.Result openssl = opensslVerify(repository, other, "alice.pub");
    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v2", "--key", "alice.pub");

    assertThat(openssl.exitCode()).as(openssl.all()).isEqualTo(2);
    assertThat(openssl.stdout()).contains("Verified OK", "payload names " + signed);
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(13);
  }

  @Test
  void tamperedMoatSignatureFailsWithOpensslAndWithMoat() throws Exception {
    String repository = "tampered/app";
    String digest = signWithMoat(repository, "v1");
    String tag = tagForm(digest) + ".sig";
    ObjectNode manifest = (ObjectNode) InteropTools.JSON.readTree(InteropTools.getManifest(registry, repository, tag));
    JsonNode layers = manifest.path("layers");
    assertThat(layers).hasSize(1);
    ObjectNode annotations = (ObjectNode) layers.path(0).path("annotations");
    annotations.put(SIGNATURE_ANNOTATION, InteropTools.flipLastByte(annotations.path(SIGNATURE_ANNOTATION).asText()));
    InteropTools.putManifest(registry, repository, tag, InteropTools.JSON.writeValueAsBytes(manifest));

    MoatProcess.Result openssl = opensslVerify(repository, digest, "alice.pub");
    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");

    assertThat(openssl.exitCode()).as(openssl.all()).isEqualTo(1);
    assertThat(openssl.stdout()).contains("Verification failure");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(11);
  }
}
