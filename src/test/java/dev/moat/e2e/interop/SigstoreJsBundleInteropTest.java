package dev.moat.e2e.interop;

import static dev.moat.e2e.interop.InteropTools.copy;
import static dev.moat.e2e.interop.InteropTools.digest;
import static dev.moat.e2e.interop.InteropTools.json;
import static dev.moat.e2e.interop.InteropTools.moat;
import static dev.moat.e2e.interop.InteropTools.node;
import static dev.moat.e2e.interop.InteropTools.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosign's bundle layout between Moat and sigstore-js (@sigstore/verify, @sigstore/sign): bundles stored
 * as OCI 1.1 referrers in a real docker-registry 2.8 (no referrers API, so through the fallback tag
 * {@code sha256-<hex>}), fetched and attached by curl scripts that follow BUNDLE_SPEC.md, verified offline
 * with public-key trust material and no transparency log.
 *
 * <p>sigstore-js checks the DSSE signature but knows nothing of images, so wherever it verifies a bundle
 * the test also checks that the signed statement's subject is the image digest skopeo reports.
 */
class SigstoreJsBundleInteropTest {

  static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  static String missing;
  static LocalRegistry registry;
  static Path work;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    missing = InteropTools.missingTools(true);
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

  /** Copies team/app:TAG to REPOSITORY:TAG, signs it with Moat in the bundle layout; returns its digest. */
  private String signWithMoat(String repository, String tag, String key) throws Exception {
    copy(work, registry, "team/app:" + tag, repository + ":" + tag);
    MoatProcess.Result sign = moat(work, "sign", registry.host() + "/" + repository + ":" + tag, "--key", key, "--signature-layout", "bundle");
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    return digest(work, registry, repository + ":" + tag);
  }

  /** Fetches the bundle attached to {@code digest} the way BUNDLE_SPEC.md describes, into a file. */
  private Path fetchBundle(String repository, String digest, String file) throws Exception {
    Path bundle = work.resolve(file);
    MoatProcess.Result fetch = script(work, "fetch-bundle.sh", registry.host(), repository, digest, bundle.toString());
    assertThat(fetch.exitCode()).as(fetch.all()).isZero();
    return bundle;
  }

  @Test
  void bundleMoatWritesVerifiesWithSigstoreJsAndItsSubjectIsTheImageDigest() throws Exception {
    String digest = signWithMoat("moat-bundle/app", "v1", "alice.key");
    Path bundle = fetchBundle("moat-bundle/app", digest, "moat-bundle.json");

    MoatProcess.Result verify = node(work, "verify-bundle.js", bundle.toString(), "alice.pub", "--expect-digest", digest);

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    JsonNode report = json(verify.stdout());
    assertThat(report.path("verified").asBoolean()).isTrue();
    assertThat(report.path("mediaType").asText()).isEqualTo(BUNDLE_MEDIA_TYPE);
    assertThat(report.path("hint").asText()).as("the hint is the key's SPKI fingerprint").isEqualTo(report.path("keyFingerprint").asText());
    assertThat(report.path("tlogEntries").asInt()).isZero();
    assertThat(report.path("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
    assertThat(report.path("statementType").asText()).isEqualTo("https://in-toto.io/Statement/v1");
    assertThat(report.path("predicateType").asText()).isEqualTo("https://sigstore.dev/cosign/sign/v1");
    assertThat(report.path("subjects")).hasSize(1);
    assertThat("sha256:" + report.path("subjects").path(0).path("sha256").asText()).isEqualTo(digest);
  }

  @Test
  void sigstoreJsRejectsMoatBundleWithAnotherKey() throws Exception {
    String digest = signWithMoat("moat-bundle-key/app", "v1", "alice.key");
    Path bundle = fetchBundle("moat-bundle-key/app", digest, "moat-bundle-key.json");

    MoatProcess.Result verify = node(work, "verify-bundle.js", bundle.toString(), "bob.pub", "--expect-digest", digest);

    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
    assertThat(json(verify.stdout()).path("verified").asBoolean()).isFalse();
  }

  @Test
  void moatBundleForAnotherImageVerifiesAsASignatureButFailsTheSubjectCheck() throws Exception {
    String imageDigest = digest(work, registry, "team/app:v1");
    String otherDigest = signWithMoat("moat-bundle-other/app", "v2", "alice.key");
    assertThat(otherDigest).isNotEqualTo(imageDigest);
    Path bundle = fetchBundle("moat-bundle-other/app", otherDigest, "moat-bundle-other.json");

    MoatProcess.Result forItsImage = node(work, "verify-bundle.js", bundle.toString(), "alice.pub", "--expect-digest", otherDigest);
    MoatProcess.Result forAnotherImage = node(work, "verify-bundle.js", bundle.toString(), "alice.pub", "--expect-digest", imageDigest);

    assertThat(forItsImage.exitCode()).as(forItsImage.all()).isZero();
    assertThat(forAnotherImage.exitCode()).as(forAnotherImage.all()).isEqualTo(2);
    JsonNode report = json(forAnotherImage.stdout());
    assertThat(report.path("verified").asBoolean()).as("the signature itself is sound").isTrue();
    assertThat(report.path("subjectMatches").asBoolean()).isFalse();
  }

  @Test
  void bundleSigstoreJsWritesVerifiesWithMoatAndOnlyWithTheSigningKey() throws Exception {
    String repository = "js-bundle/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    String digest = digest(work, registry, repository + ":v1");
    MoatProcess.Result sign = node(work, "sign-bundle.js", "alice.key", registry.host() + "/" + repository, digest);
    assertThat(sign.exitCode()).as(sign.stderr()).isZero();
    Path bundle = work.resolve("js-bundle.json");
    Files.writeString(bundle, sign.stdout());
    MoatProcess.Result attach = script(work, "attach-bundle.sh", registry.host(), repository, digest, bundle.toString());
    assertThat(attach.exitCode()).as(attach.all()).isZero();

    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");
    MoatProcess.Result otherKey = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "bob.pub");

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stdout()).contains("signed by alice.pub");
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(12);
  }

  @Test
  void messageSignatureBundleSigstoreJsWritesOverTheManifestVerifiesWithMoat() throws Exception {
    String repository = "js-message/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    String digest = digest(work, registry, repository + ":v1");
    byte[] manifestBytes = InteropTools.getManifest(registry, repository, digest);
    assertThat("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifestBytes))).isEqualTo(digest);
    Path manifest = work.resolve("js-message-manifest.json");
    Files.write(manifest, manifestBytes);
    MoatProcess.Result sign = node(work, "sign-bundle.js", "--message-signature", "alice.key", manifest.toString());
    assertThat(sign.exitCode()).as(sign.stderr()).isZero();
    assertThat(json(sign.stdout()).has("messageSignature")).isTrue();
    Path bundle = work.resolve("js-message.json");
    Files.writeString(bundle, sign.stdout());
    MoatProcess.Result attach = script(work, "attach-bundle.sh", registry.host(), repository, digest, bundle.toString());
    assertThat(attach.exitCode()).as(attach.all()).isZero();

    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");
    MoatProcess.Result otherKey = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "bob.pub");

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stdout()).contains("signed by alice.pub");
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(12);
  }

  @Test
  void bundleSigstoreJsWritesForAnotherImageIsADigestMismatchForMoat() throws Exception {
    String repository = "js-bundle-moved/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    String digest = digest(work, registry, repository + ":v1");
    String otherDigest = digest(work, registry, "team/app:v2");
    MoatProcess.Result sign = node(work, "sign-bundle.js", "alice.key", registry.host() + "/" + repository, otherDigest);
    assertThat(sign.exitCode()).as(sign.stderr()).isZero();
    Path bundle = work.resolve("js-bundle-moved.json");
    Files.writeString(bundle, sign.stdout());
    MoatProcess.Result attach = script(work, "attach-bundle.sh", registry.host(), repository, digest, bundle.toString());
    assertThat(attach.exitCode()).as(attach.all()).isZero();

    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");

    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(13);
  }

  @Test
  void tamperedMoatBundleFailsWithSigstoreJsAndWithMoat() throws Exception {
    String digest = signWithMoat("moat-bundle-source/app", "v1", "alice.key");
    Path original = fetchBundle("moat-bundle-source/app", digest, "moat-bundle-source.json");
    ObjectNode bundle = (ObjectNode) json(original);
    ObjectNode signature = (ObjectNode) bundle.path("dsseEnvelope").path("signatures").path(0);
    signature.put("sig", InteropTools.flipLastByte(signature.path("sig").asText()));
    Path tampered = work.resolve("moat-bundle-tampered.json");
    Files.write(tampered, InteropTools.JSON.writeValueAsBytes(bundle));
    String repository = "moat-bundle-tampered/app";
    copy(work, registry, "team/app:v1", repository + ":v1");
    MoatProcess.Result attach = script(work, "attach-bundle.sh", registry.host(), repository, digest, tampered.toString());
    assertThat(attach.exitCode()).as(attach.all()).isZero();

    MoatProcess.Result sigstoreJs = node(work, "verify-bundle.js", tampered.toString(), "alice.pub", "--expect-digest", digest);
    MoatProcess.Result verify = moat(work, "verify", registry.host() + "/" + repository + ":v1", "--key", "alice.pub");

    assertThat(sigstoreJs.exitCode()).as(sigstoreJs.all()).isEqualTo(1);
    assertThat(json(sigstoreJs.stdout()).path("error").asText()).contains("SIGNATURE_ERROR");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(11);
  }
}
