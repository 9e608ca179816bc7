package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each task's real step script (see {@link LocalTaskRun}) against real registries: a plain one and a TLS
 * one with htpasswd authentication reached through the dockerconfig and ca-bundle workspaces.
 */
class TaskRunTest {

  private static final String PASSPHRASE = "tekton-test-passphrase";

  static LocalRegistry plain;
  static LocalRegistry mirror;
  static Path work;
  static Path signingKey;
  static Path encryptedKey;
  static Path resignKey;
  static Path publicKeys;
  static Path dockerconfig;
  static Path caBundle;

  @TempDir Path run;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    TestImages.assumeToolsInstalled();
    work = dir;
    plain = LocalRegistry.plain();
    mirror = LocalRegistry.tlsWithAuth("mirror-user", "mirror-secret-" + System.nanoTime());
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "tekton"));
    TestImages.push(layout, "v1", plain, "team/app:v1");
    MoatProcess.generateKeys(dir, "alice", "mallory", "carol");

    signingKey = Files.createDirectories(dir.resolve("ws/signing-key"));
    Files.copy(dir.resolve("alice.key"), signingKey.resolve("cosign.key"));
    resignKey = Files.createDirectories(dir.resolve("ws/resign-key"));
    Files.copy(dir.resolve("carol.key"), resignKey.resolve("cosign.key"));
    // carol's key, encrypted by openssl (PKCS#8, AES-256-CBC); the passphrase goes through the environment.
    encryptedKey = Files.createDirectories(dir.resolve("ws/encrypted-key"));
    MoatProcess.Result enc = MoatProcess.exec(List.of("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", dir.resolve("carol.key").toString(),
        "-out", encryptedKey.resolve("cosign.key").toString(), "-passout", "env:TEST_PASSPHRASE"), Map.of("TEST_PASSPHRASE", PASSPHRASE), dir, 60);
    assertThat(enc.exitCode()).as(enc.all()).isZero();
    publicKeys = Files.createDirectories(dir.resolve("ws/public-keys"));
    Files.copy(dir.resolve("alice.pub"), publicKeys.resolve("cosign.pub"));
    Files.copy(dir.resolve("mallory.pub"), publicKeys.resolve("mallory.pub"));
    Files.copy(dir.resolve("carol.pub"), publicKeys.resolve("carol.pub"));
    dockerconfig = Files.createDirectories(dir.resolve("ws/dockerconfig"));
    String auth = Base64.getEncoder().encodeToString((mirror.username() + ":" + mirror.password()).getBytes(StandardCharsets.UTF_8));
    Files.writeString(dockerconfig.resolve("config.json"), "{\"auths\":{\"" + mirror.host() + "\":{\"auth\":\"" + auth + "\"}}}");
    caBundle = Files.createDirectories(dir.resolve("ws/ca-bundle"));
    Files.copy(mirror.caCertificate(), caBundle.resolve("ca-bundle.crt"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (plain != null) {
      plain.close();
    }
    if (mirror != null) {
      mirror.close();
    }
  }

  /** A fresh copy of the test image in the plain registry, so each test signs its own repository. */
  private static String freshImage(String repository) throws Exception {
    return TestImages.copyWithin(plain, "team/app:v1", repository + ":v1");
  }

  private static String digestOfPlain(String image) throws Exception {
    return TestImages.digest(image);
  }

  private static MoatProcess.Result inspectMirror(String image) throws Exception {
    return MoatProcess.exec(List.of("skopeo", "inspect", "--authfile", dockerconfig.resolve("config.json").toString(),
        "--cert-dir", caBundle.toString(), "--format", "{{.Digest}}", "docker://" + image), Map.of(), work, 120);
  }

  private LocalTaskRun.Outcome sign(String image) throws Exception {
    return new LocalTaskRun(TektonCatalog.task("moat-sign")).param("image", image).workspace("signing-key", signingKey).run(run.resolve("sign"));
  }

  @Test
  void signWritesTheDigestTheRegistryReportsToTheResults() throws Exception {
    String image = freshImage("tekton/sign");
    LocalTaskRun.Outcome outcome = new LocalTaskRun(TektonCatalog.task("moat-sign"))
        .param("image", image)
        .param("annotations", "team=moat,\n  , pipeline=tekton ")
        .param("signature-layout", "legacy")
        .workspace("signing-key", signingKey)
        .run(run);
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    assertThat(outcome.results()).containsEntry("IMAGE_URL", image).containsEntry("IMAGE_DIGEST", digestOfPlain(image));
    assertThat(outcome.results().get("KEY_ID")).matches("[0-9a-f]{64}");
    String sigTag = plain.host() + "/tekton/sign:" + digestOfPlain(image).replace(':', '-') + ".sig";
    assertThat(digestOfPlain(sigTag)).startsWith("sha256:");
  }

  @Test
  void verifyPassesForTheSignerAndFailsWithAnotherKey() throws Exception {
    String image = freshImage("tekton/verify");
    assertThat(sign(image).exitCode()).isZero();

    LocalTaskRun.Outcome ok = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).workspace("public-keys", publicKeys).run(run.resolve("ok"));
    assertThat(ok.exitCode()).as(ok.log()).isZero();
    assertThat(ok.results().get("IMAGE_DIGEST")).isEqualTo(digestOfPlain(image));
    assertThat(ok.results().get("SIGNERS")).endsWith("cosign.pub");
    assertThat(ok.results().get("SIGNER_KEY_IDS")).matches("[0-9a-f]{64}");

    LocalTaskRun.Outcome wrong = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).param("public-key-file-names", "mallory.pub").workspace("public-keys", publicKeys).run(run.resolve("wrong"));
    assertThat(wrong.exitCode()).as(wrong.log()).isEqualTo(12);
    assertThat(wrong.results().get("SIGNERS")).isEmpty();
  }

  @Test
  void verifyWithAThresholdCountsDistinctKeys() throws Exception {
    String image = freshImage("tekton/threshold");
    assertThat(sign(image).exitCode()).isZero();
    LocalTaskRun.Outcome two = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).param("public-key-file-names", "cosign.pub, mallory.pub").param("threshold", "2")
        .workspace("public-keys", publicKeys).run(run);
    assertThat(two.exitCode()).as(two.log()).isEqualTo(14);
  }

  @Test
  void verifyCountsOnlySignaturesWithTheRequiredAnnotations() throws Exception {
    String image = freshImage("tekton/annotated");
    LocalTaskRun.Outcome signed = new LocalTaskRun(TektonCatalog.task("moat-sign"))
        .param("image", image).param("annotations", "env=prod, team=payments").workspace("signing-key", signingKey).run(run.resolve("sign"));
    assertThat(signed.exitCode()).as(signed.log()).isZero();

    LocalTaskRun.Outcome match = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).param("annotations", "team=payments,\n env=prod ").workspace("public-keys", publicKeys).run(run.resolve("match"));
    assertThat(match.exitCode()).as(match.log()).isZero();
    assertThat(match.results().get("SIGNERS")).endsWith("cosign.pub");

    LocalTaskRun.Outcome other = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).param("annotations", "env=staging").workspace("public-keys", publicKeys).run(run.resolve("other"));
    assertThat(other.exitCode()).as(other.log()).isEqualTo(15);
    assertThat(other.results().get("SIGNERS")).isEmpty();

    String destination = mirror.host() + "/mirror/annotated:v1";
    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", image).param("destination", destination)
        .param("public-key-file-names", "cosign.pub").param("verify-annotations", "env=staging")
        .workspace("public-keys", publicKeys).workspace("dockerconfig", dockerconfig).workspace("ca-bundle", caBundle)
        .run(run.resolve("copy"));
    assertThat(copy.exitCode()).as(copy.log()).isEqualTo(15);
    assertThat(inspectMirror(destination).exitCode()).isNotZero();
  }

  @Test
  void recursiveSigningOfAMultiPlatformImageLetsEachPlatformDigestVerify() throws Exception {
    Path layout = TestImages.buildMultiArch(Files.createDirectories(run.resolve("images")), "multi");
    TestImages.push(layout, "multi", plain, "tekton/multi:v1");
    String image = plain.host() + "/tekton/multi:v1";
    List<String> children = TestImages.platformDigests(image);
    assertThat(children).hasSize(2);

    LocalTaskRun.Outcome sign = new LocalTaskRun(TektonCatalog.task("moat-sign"))
        .param("image", image).param("recursive", "true").workspace("signing-key", signingKey).run(run.resolve("sign"));
    assertThat(sign.exitCode()).as(sign.log()).isZero();
    for (String child : children) {
      LocalTaskRun.Outcome verify = new LocalTaskRun(TektonCatalog.task("moat-verify"))
          .param("image", plain.host() + "/tekton/multi@" + child).workspace("public-keys", publicKeys).run(run.resolve("verify-" + child.substring(7, 15)));
      assertThat(verify.exitCode()).as(verify.log()).isZero();
      assertThat(verify.results().get("IMAGE_DIGEST")).isEqualTo(child);
    }
  }

  @Test
  void anEncryptedKeyTakesItsPassphraseFromTheOptionalSecret() throws Exception {
    String image = freshImage("tekton/encrypted");
    LocalTaskRun.Outcome without = new LocalTaskRun(TektonCatalog.task("moat-sign"))
        .param("image", image).workspace("signing-key", encryptedKey).run(run.resolve("without"));
    assertThat(without.exitCode()).as(without.log()).isEqualTo(6);
    assertThat(without.log()).doesNotContain(PASSPHRASE);

    LocalTaskRun.Outcome with = new LocalTaskRun(TektonCatalog.task("moat-sign"))
        .param("image", image).workspace("signing-key", encryptedKey)
        .secret("moat-signing-key", Map.of("passphrase", PASSPHRASE)).run(run.resolve("with"));
    assertThat(with.exitCode()).as(with.log()).isZero();
    assertThat(with.log()).doesNotContain(PASSPHRASE);

    LocalTaskRun.Outcome verify = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", image).param("public-key-file-names", "carol.pub").workspace("public-keys", publicKeys).run(run.resolve("verify"));
    assertThat(verify.exitCode()).as(verify.log()).isZero();
  }

  @Test
  void copyVerifiesTheSourceAndSignsTheCopyInATlsRegistryWithAuth() throws Exception {
    String source = freshImage("tekton/copy");
    assertThat(sign(source).exitCode()).isZero();
    String destination = mirror.host() + "/mirror/app:v1";

    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", source).param("destination", destination)
        .param("public-key-file-names", "cosign.pub").param("sign-key-file-name", "cosign.key")
        .workspace("signing-key", resignKey)
        .workspace("public-keys", publicKeys).workspace("dockerconfig", dockerconfig).workspace("ca-bundle", caBundle)
        .run(run.resolve("copy"));
    assertThat(copy.exitCode()).as(copy.log()).isZero();
    assertThat(copy.log()).doesNotContain(mirror.password());
    MoatProcess.Result inspected = inspectMirror(destination);
    assertThat(inspected.exitCode()).as(inspected.all()).isZero();
    assertThat(copy.results()).containsEntry("IMAGE_URL", destination).containsEntry("IMAGE_DIGEST", inspected.stdout().trim())
        .containsEntry("IMAGE_DIGEST", digestOfPlain(source)).containsEntry("COPIED_TAGS", "v1");

    // The copy carries carol's signature (made at the destination), not alice's (which stayed at the source).
    LocalTaskRun.Outcome resigned = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", destination).param("public-key-file-names", "carol.pub")
        .workspace("public-keys", publicKeys).workspace("dockerconfig", dockerconfig).workspace("ca-bundle", caBundle)
        .run(run.resolve("verify-carol"));
    assertThat(resigned.exitCode()).as(resigned.log()).isZero();
    LocalTaskRun.Outcome original = new LocalTaskRun(TektonCatalog.task("moat-verify"))
        .param("image", destination).param("public-key-file-names", "cosign.pub")
        .workspace("public-keys", publicKeys).workspace("dockerconfig", dockerconfig).workspace("ca-bundle", caBundle)
        .run(run.resolve("verify-alice"));
    assertThat(original.exitCode()).as(original.log()).isEqualTo(12);
  }

  @Test
  void copyRefusesAnUnsignedSourceAndWritesNothing() throws Exception {
    String source = freshImage("tekton/unsigned");
    String destination = mirror.host() + "/mirror/unsigned:v1";
    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", source).param("destination", destination).param("public-key-file-names", "cosign.pub")
        .workspace("public-keys", publicKeys).workspace("dockerconfig", dockerconfig).workspace("ca-bundle", caBundle)
        .run(run);
    assertThat(copy.exitCode()).as(copy.log()).isEqualTo(10);
    assertThat(inspectMirror(destination).exitCode()).isNotZero();
  }

  @Test
  void aDockerconfigjsonSecretWorksAsTheDockerconfigWorkspace() throws Exception {
    Path secret = Files.createDirectories(run.resolve("dockerconfigjson"));
    Files.copy(dockerconfig.resolve("config.json"), secret.resolve(".dockerconfigjson"));
    String source = freshImage("tekton/dockerconfigjson");
    String destination = mirror.host() + "/mirror/dockerconfigjson:v1";
    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", source).param("destination", destination)
        .workspace("dockerconfig", secret).workspace("ca-bundle", caBundle).run(run.resolve("copy"));
    assertThat(copy.exitCode()).as(copy.log()).isZero();
    assertThat(inspectMirror(destination).stdout().trim()).isEqualTo(digestOfPlain(source));
  }

  @Test
  void copyWithoutCredentialsIsRefusedByTheRegistry() throws Exception {
    String source = freshImage("tekton/nocreds");
    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", source).param("destination", mirror.host() + "/mirror/nocreds:v1")
        .workspace("ca-bundle", caBundle).run(run);
    assertThat(copy.exitCode()).as(copy.log()).isEqualTo(4);
  }

  @Test
  void aSignKeyWithoutItsWorkspaceIsABadInput() throws Exception {
    LocalTaskRun.Outcome copy = new LocalTaskRun(TektonCatalog.task("moat-copy"))
        .param("source", plain.host() + "/team/app:v1").param("destination", plain.host() + "/other/app:v1")
        .param("sign-key-file-name", "cosign.key").run(run);
    assertThat(copy.exitCode()).isEqualTo(2);
    assertThat(copy.log()).contains("signing-key workspace is not bound");
  }

  private LocalTaskRun learn(String image, Path output) {
    return new LocalTaskRun(TektonCatalog.task("moat-learn-whitelist")).param("image", image).workspace("output", output);
  }

  @Test
  void learnWritesTheWhitelistAndPoliciesToTheOutputWorkspaceAndSmallResults() throws Exception {
    String image = freshImage("tekton/learn");
    Path output = Files.createDirectories(run.resolve("output"));
    LocalTaskRun.Outcome outcome = learn(image, output).param("selector", "app=shop,\n tier=web ").param("namespace", "shop").run(run.resolve("learn"));
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    byte[] whitelist = Files.readAllBytes(output.resolve("whitelist.json"));
    JsonNode doc = new ObjectMapper().readTree(whitelist);
    assertThat(outcome.results())
        .containsEntry("IMAGE_URL", image)
        .containsEntry("IMAGE_DIGEST", digestOfPlain(image))
        .containsEntry("WHITELIST_DIGEST", "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whitelist)))
        .containsEntry("ENTRY_COUNT", Integer.toString(doc.path("platforms").get(0).path("entries").size()));
    assertThat(doc.path("platforms").get(0).path("entries").findValuesAsText("path")).contains("/bin/busybox");
    assertThat(String.join("", outcome.results().values()).length()).as("Tekton caps results at 4 KB").isLessThan(4096);
    try (Stream<Path> policies = Files.list(output.resolve("policies"))) {
      List<Path> files = policies.toList();
      assertThat(files).as("one file or more per enforcer").hasSizeGreaterThanOrEqualTo(4);
      assertThat(files.stream().map(f -> {
        try {
          return Files.readString(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      })).anySatisfy(text -> assertThat(text).contains("KubeArmorPolicy", "tier: web", "namespace: shop"));
    }
  }

  @Test
  void learnAttachesTheWhitelistSignedWithTheWorkspaceKey() throws Exception {
    String image = freshImage("tekton/attach");
    Path output = Files.createDirectories(run.resolve("output"));
    LocalTaskRun.Outcome outcome = learn(image, output).param("attach", "true").param("formats", "").workspace("signing-key", signingKey)
        .run(run.resolve("learn"));
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    assertThat(output.resolve("policies")).doesNotExist();
    MoatProcess.Result fetch = MoatProcess.run(Map.of(), run, "whitelist", "fetch", image, "--key", publicKeys.resolve("cosign.pub").toString(),
        "-o", run.resolve("fetched.json").toString());
    assertThat(fetch.exitCode()).as(fetch.all()).isZero();
    assertThat(Files.readAllBytes(run.resolve("fetched.json"))).isEqualTo(Files.readAllBytes(output.resolve("whitelist.json")));
  }

  @Test
  void attachWithoutTheSigningKeyWorkspaceIsABadInput() throws Exception {
    LocalTaskRun.Outcome outcome = learn(plain.host() + "/team/app:v1", Files.createDirectories(run.resolve("output"))).param("attach", "true")
        .run(run.resolve("learn"));
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.log()).contains("signing-key workspace is not bound");
  }

  @Test
  void aWhitelistPathOutsideTheOutputWorkspaceIsRefused() throws Exception {
    LocalTaskRun.Outcome outcome = learn(plain.host() + "/team/app:v1", Files.createDirectories(run.resolve("output")))
        .param("whitelist-file", "../escape.json").run(run.resolve("learn"));
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.log()).contains("'../escape.json'");
    assertThat(run.resolve("escape.json")).doesNotExist();
  }
}
