package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sign → verify round trips against a real registry (plain HTTP on 127.0.0.1), in both cosign layouts. */
class SignVerifyRegistryTest {

  static LocalRegistry registry;
  static Path work;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    work = dir;
    registry = LocalRegistry.plain();
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "one"));
    TestImages.push(layout, "v1", registry, "team/app:v1");
    TestImages.build(dir, "v2", "amd64", Map.of("/etc/app", "two"));
    TestImages.push(layout, "v2", registry, "team/app:v2");
    MoatProcess.generateKeys(dir, "alice", "bob", "carol");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private MoatProcess.Result moat(String... args) throws Exception {
    return MoatProcess.run(Map.of(), work, args);
  }

  @Test
  void signatureInEachLayoutVerifiesAndNamesTheSigner() throws Exception {
    for (String layout : List.of("legacy", "bundle")) {
      String repo = TestImages.copyWithin(registry, "team/app:v1", "layouts/" + layout + ":v1");
      MoatProcess.Result sign = moat("sign", repo, "--key", "alice.key", "--signature-layout", layout);
      assertThat(sign.exitCode()).as(sign.all()).isZero();
      MoatProcess.Result verify = moat("verify", repo, "--key", "alice.pub");
      assertThat(verify.exitCode()).as(verify.all()).isZero();
      assertThat(verify.stdout()).contains("signed by alice.pub");
      MoatProcess.Result other = moat("verify", repo, "--key", "bob.pub");
      assertThat(other.exitCode()).as(other.all()).isEqualTo(12);
    }
  }

  @Test
  void unsignedImageHasNoSignatureExitCode() throws Exception {
    MoatProcess.Result verify = moat("verify", registry.host() + "/team/app:v2", "--key", "alice.pub");
    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(10);
    assertThat(verify.stderr()).contains("has no signature");
  }

  @Test
  void thresholdCountsDistinctKeys() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "threshold/app:v1");
    assertThat(moat("sign", repo, "--key", "alice.key").exitCode()).isZero();
    assertThat(moat("sign", repo, "--key", "alice.key", "--signature-layout", "legacy").exitCode()).isZero();
    MoatProcess.Result one = moat("verify", repo, "--key", "alice.pub", "--key", "bob.pub", "--threshold", "2");
    assertThat(one.exitCode()).as(one.all()).isEqualTo(14);
    assertThat(moat("sign", repo, "--key", "bob.key").exitCode()).isZero();
    MoatProcess.Result two = moat("verify", repo, "--key", "alice.pub", "--key", "bob.pub", "--key", "carol.pub", "--threshold", "2");
    assertThat(two.exitCode()).as(two.all()).isZero();
    assertThat(two.stdout()).contains("alice.pub", "bob.pub").doesNotContain("carol.pub");
  }

  @Test
  void requiredAnnotationsCountOnlySignaturesThatCarryThemInEachLayout() throws Exception {
    for (String layout : List.of("legacy", "bundle")) {
      String repo = TestImages.copyWithin(registry, "team/app:v1", "annotated/" + layout + ":v1");
      MoatProcess.Result sign = moat("sign", repo, "--key", "alice.key", "--signature-layout", layout, "-a", "env=staging", "-a", "build=42");
      assertThat(sign.exitCode()).as(sign.all()).isZero();

      MoatProcess.Result match = moat("verify", repo, "--key", "alice.pub", "-a", "build=42", "--annotation", "env=staging");
      assertThat(match.exitCode()).as(match.all()).isZero();
      assertThat(match.stdout()).contains("signed by alice.pub");

      MoatProcess.Result wrong = moat("verify", repo, "--key", "alice.pub", "-a", "env=prod");
      assertThat(wrong.exitCode()).as(wrong.all()).isEqualTo(15);
      assertThat(wrong.stderr()).contains("signed by alice.pub but not with the required annotation(s) env=prod", "signed: build=42, env=staging");

      MoatProcess.Result missing = moat("verify", repo, "--key", "alice.pub", "-a", "team=payments");
      assertThat(missing.exitCode()).as(missing.all()).isEqualTo(15);

      MoatProcess.Result otherKey = moat("verify", repo, "--key", "bob.pub", "-a", "env=staging");
      assertThat(otherKey.exitCode()).as("an unknown key stays an unknown key: " + otherKey.all()).isEqualTo(12);
    }
  }

  @Test
  void aSecondSignatureWithTheAnnotationsSatisfiesVerifyAndTheThresholdCountsOnlyAnnotatedSigners() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "annotated/threshold:v1");
    assertThat(moat("sign", repo, "--key", "alice.key", "-a", "env=staging").exitCode()).isZero();
    assertThat(moat("sign", repo, "--key", "bob.key", "-a", "env=prod").exitCode()).isZero();

    MoatProcess.Result both = moat("verify", repo, "--key", "alice.pub", "--key", "bob.pub", "--threshold", "2", "-a", "env=prod");
    assertThat(both.exitCode()).as(both.all()).isEqualTo(14);
    assertThat(both.stderr()).contains("signed by 1 of the 2 keys required (bob.pub)");

    assertThat(moat("sign", repo, "--key", "alice.key", "-a", "env=prod").exitCode()).isZero();
    MoatProcess.Result again = moat("verify", repo, "--key", "alice.pub", "--key", "bob.pub", "--threshold", "2", "-a", "env=prod", "-v");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.all()).contains("annotation mismatch (alice.pub)");
  }

  @Test
  void copyRefusesASourceWithoutTheRequiredAnnotationAndWritesNothing() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "annotated/copy-src:v1");
    assertThat(moat("sign", repo, "--key", "alice.key", "-a", "env=staging").exitCode()).isZero();
    String destination = registry.host() + "/annotated/copy-dst:v1";

    MoatProcess.Result refused = moat("copy", repo, destination, "--verify-key", "alice.pub", "--verify-annotation", "env=prod", "--sign-key", "carol.key");
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(15);
    assertThat(refused.stderr()).contains("refused to copy", "env=prod");
    assertThat(moat("verify", destination, "--key", "carol.pub").exitCode()).as("nothing was written at the destination").isEqualTo(5);

    MoatProcess.Result copied = moat("copy", repo, destination, "--verify-key", "alice.pub", "--verify-annotation", "env=staging", "--sign-key", "carol.key");
    assertThat(copied.exitCode()).as(copied.all()).isZero();
    assertThat(moat("verify", destination, "--key", "carol.pub").exitCode()).isZero();
  }

  /** How many entries skopeo (not Moat) sees in {@code key} ("layers" or "manifests") of the manifest at {@code tag}. */
  private static int entries(String repo, String tag, String key) throws Exception {
    String raw = TestImages.sh(work, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + repo + ":" + tag);
    return new ObjectMapper().readTree(raw).path(key).size();
  }

  @Test
  void signingAgainWithTheSameKeyAndAnnotationsWritesNothingNew() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "idempotent/app:v1");
    String hex = TestImages.digest(repo).substring("sha256:".length());
    String image = repo.substring(0, repo.lastIndexOf(':'));
    assertThat(moat("sign", repo, "--key", "alice.key", "-a", "run=1").exitCode()).isZero();

    MoatProcess.Result again = moat("sign", repo, "--key", "alice.key", "-a", "run=1");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.stderr() + again.stdout()).contains("already signed with this key and these annotations, nothing written: legacy",
        "nothing written: bundle");
    assertThat(entries(image, "sha256-" + hex + ".sig", "layers")).as("legacy signatures").isEqualTo(1);
    assertThat(entries(image, "sha256-" + hex, "manifests")).as("bundle referrers").isEqualTo(1);

    assertThat(moat("sign", repo, "--key", "alice.key", "-a", "run=2").exitCode()).isZero();
    assertThat(moat("sign", repo, "--key", "bob.key", "-a", "run=1").exitCode()).isZero();
    assertThat(entries(image, "sha256-" + hex + ".sig", "layers")).as("other annotations, other key: new signatures").isEqualTo(3);
    assertThat(entries(image, "sha256-" + hex, "manifests")).isEqualTo(3);
    MoatProcess.Result verify = moat("verify", repo, "--key", "alice.pub", "--key", "bob.pub", "--threshold", "2", "-a", "run=1");
    assertThat(verify.exitCode()).as(verify.all()).isZero();
  }

  @Test
  void requiredSourceAnnotationsWithoutAVerifyKeyAreBadInputNotASilentPass() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "annotated/nokey:v1");
    String destination = registry.host() + "/annotated/nokey-dst:v1";
    MoatProcess.Result copy = moat("copy", repo, destination, "--verify-annotation", "env=prod");
    assertThat(copy.exitCode()).as(copy.all()).isEqualTo(2);
    assertThat(copy.stderr()).contains("no key to verify the source with", "--verify-key");
    assertThat(moat("verify", destination, "--key", "alice.pub").exitCode()).as("nothing was copied").isEqualTo(5);
  }

  @Test
  void aStoredSignatureThatCannotBeReadDoesNotStopSigning(@TempDir Path dir) throws Exception {
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "layout"));
    String image = "oci:" + layout + ":v1";
    assertThat(moat("sign", image, "--key", "alice.key", "--signature-layout", "legacy").exitCode()).isZero();
    // Delete the payload blob of the signature just written (a garbage-collected blob): the duplicate check cannot read it.
    JsonNode index = new ObjectMapper().readTree(layout.resolve("index.json").toFile());
    String sigDigest = null;
    for (JsonNode m : index.path("manifests")) {
      if (m.path("annotations").path("org.opencontainers.image.ref.name").asText().endsWith(".sig")) {
        sigDigest = m.path("digest").asText();
      }
    }
    assertThat(sigDigest).isNotNull();
    JsonNode sig = new ObjectMapper().readTree(layout.resolve("blobs/sha256/" + sigDigest.substring(7)).toFile());
    Files.delete(layout.resolve("blobs/sha256/" + sig.path("layers").get(0).path("digest").asText().substring(7)));

    MoatProcess.Result again = moat("sign", image, "--key", "alice.key", "--signature-layout", "legacy");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.all()).contains("wrote legacy").doesNotContain("already signed");
  }

  @Test
  void outputsAreWrittenForPipelines() throws Exception {
    String repo = TestImages.copyWithin(registry, "team/app:v1", "outputs/app:v1");
    Path results = work.resolve("results");
    Path outputs = work.resolve("outputs.txt");
    MoatProcess.Result sign = moat("sign", repo, "--key", "carol.key", "--results-dir", results.toString(), "--outputs-file", outputs.toString());
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    String digest = TestImages.digest(repo);
    assertThat(Files.readString(results.resolve("IMAGE_DIGEST"))).isEqualTo(digest);
    assertThat(Files.readString(outputs)).contains("image-digest=" + digest);
  }
}
