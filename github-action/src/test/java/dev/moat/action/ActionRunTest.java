package dev.moat.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
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
 * Runs the sign, verify and copy actions' real steps (see {@link LocalActionRun}), with moat-version "source"
 * (the repository's ./moat launcher and its jar), against real registries: a plain one and a TLS one with
 * htpasswd authentication.
 */
class ActionRunTest {

  static LocalRegistry plain;
  static LocalRegistry mirror;
  static Path work;

  @TempDir Path temp;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    TestImages.assumeToolsInstalled();
    work = dir;
    plain = LocalRegistry.plain();
    mirror = LocalRegistry.tlsWithAuth("action-user", "action-secret-" + System.nanoTime());
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "action"));
    TestImages.push(layout, "v1", plain, "team/app:v1");
    MoatProcess.generateKeys(dir, "alice", "mallory", "carol");
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

  private static String pem(String file) throws Exception {
    return Files.readString(work.resolve(file), StandardCharsets.UTF_8);
  }

  private LocalActionRun.Outcome run(LocalActionRun action, String name) throws Exception {
    return action.runIn(temp, name);
  }

  private static LocalActionRun action(String name) throws Exception {
    return new LocalActionRun(ActionFiles.actionDir(name));
  }

  @Test
  void signWithAKeyFileWritesTheDigestToTheOutputsAndATableToTheSummary() throws Exception {
    String image = freshImage("action/sign");
    LocalActionRun.Outcome outcome = run(action("sign").input("image", image).input("key", work.resolve("alice.key").toString())
        .input("annotations", "workflow=release,\n sha=0123abc"), "sign");
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    String digest = digestOfPlain(image);
    assertThat(outcome.outputsFiles()).contains("image-digest=" + digest + "\n", "image-url=" + image + "\n");
    assertThat(outcome.outputs()).containsEntry("image-digest", digest).containsEntry("image-url", image);
    assertThat(outcome.outputs().get("key-id")).matches("[0-9a-f]{64}");
    assertThat(outcome.summary()).contains("### Moat: signed", "|---|", digest);
  }

  @Test
  void keysPastedFromSecretsGoThroughTempFilesThatAreRemoved() throws Exception {
    String image = freshImage("action/pasted");
    LocalActionRun.Outcome sign = run(action("sign").input("image", image).input("key", pem("alice.key")), "sign");
    assertThat(sign.exitCode()).as(sign.log()).isZero();
    assertThat(sign.log()).doesNotContain(body(pem("alice.key")));

    LocalActionRun.Outcome verify = run(action("verify").input("image", image)
        .input("keys", pem("mallory.pub") + pem("alice.pub")).input("threshold", "1"), "verify");
    assertThat(verify.exitCode()).as(verify.log()).isZero();
    assertThat(verify.outputs()).containsEntry("image-digest", digestOfPlain(image));
    assertThat(verify.outputs().get("signers")).contains("moat-key.").doesNotContain(",");
    assertThat(verify.outputs().get("signer-key-ids")).matches("[0-9a-f]{64}");
    assertThat(verify.summary()).contains("### Moat: verify passed", "| layout | signature | outcome | key |");
  }

  @Test
  void verifyWithAnotherKeyFailsTheStepWithExitCode12() throws Exception {
    String image = freshImage("action/wrongkey");
    assertThat(run(action("sign").input("image", image).input("key", work.resolve("alice.key").toString()), "sign").exitCode()).isZero();
    LocalActionRun.Outcome byPath = run(action("verify").input("image", image).input("keys", work.resolve("mallory.pub").toString()), "path");
    assertThat(byPath.exitCode()).as(byPath.log()).isEqualTo(12);
    assertThat(byPath.summary()).contains("### Moat: verify FAILED");
    LocalActionRun.Outcome byContent = run(action("verify").input("image", image).input("keys", pem("mallory.pub")), "content");
    assertThat(byContent.exitCode()).as(byContent.log()).isEqualTo(12);
  }

  @Test
  void verifyAndCopyCountOnlySignaturesWithTheRequiredAnnotations() throws Exception {
    String image = freshImage("action/annotated");
    LocalActionRun.Outcome sign = run(action("sign").input("image", image).input("key", work.resolve("alice.key").toString())
        .input("annotations", "workflow=release, sha=0123abc"), "sign");
    assertThat(sign.exitCode()).as(sign.log()).isZero();

    LocalActionRun.Outcome match = run(action("verify").input("image", image).input("keys", work.resolve("alice.pub").toString())
        .input("annotations", "sha=0123abc\nworkflow=release"), "match");
    assertThat(match.exitCode()).as(match.log()).isZero();

    LocalActionRun.Outcome other = run(action("verify").input("image", image).input("keys", work.resolve("alice.pub").toString())
        .input("annotations", "workflow=nightly"), "other");
    assertThat(other.exitCode()).as(other.log()).isEqualTo(15);
    assertThat(other.summary()).contains("### Moat: verify FAILED", "annotation mismatch", "workflow=nightly");

    String destination = mirror.host() + "/mirror/annotated:v1";
    LocalActionRun.Outcome copy = run(action("copy").input("source", image).input("destination", destination)
        .input("verify-keys", work.resolve("alice.pub").toString()).input("verify-annotations", "workflow=nightly")
        .input("registry-username", mirror.username()).input("registry-password", mirror.password())
        .input("registry-ca", mirror.caCertificate().toString()), "copy");
    assertThat(copy.exitCode()).as(copy.log()).isEqualTo(15);
  }

  @Test
  void recursiveSigningOfAMultiPlatformImageLetsEachPlatformDigestVerify() throws Exception {
    Path layout = TestImages.buildMultiArch(Files.createDirectories(temp.resolve("images")), "multi");
    TestImages.push(layout, "multi", plain, "action/multi:v1");
    String image = plain.host() + "/action/multi:v1";
    List<String> children = TestImages.platformDigests(image);
    assertThat(children).hasSize(2);

    LocalActionRun.Outcome sign = run(action("sign").input("image", image).input("key", work.resolve("alice.key").toString())
        .input("recursive", "true"), "sign");
    assertThat(sign.exitCode()).as(sign.log()).isZero();
    for (String child : children) {
      LocalActionRun.Outcome verify = run(action("verify").input("image", plain.host() + "/action/multi@" + child)
          .input("keys", work.resolve("alice.pub").toString()), "verify-" + child.substring(7, 15));
      assertThat(verify.exitCode()).as(verify.log()).isZero();
      assertThat(verify.outputs()).containsEntry("image-digest", child);
    }
  }

  @Test
  void copyVerifiesTheSourceAndSignsTheCopyInATlsRegistryWithAuth() throws Exception {
    String source = freshImage("action/copy");
    assertThat(run(action("sign").input("image", source).input("key", work.resolve("alice.key").toString()), "sign").exitCode()).isZero();
    String destination = mirror.host() + "/mirror/app:v1";
    LocalActionRun.Outcome copy = run(action("copy").input("source", source).input("destination", destination)
        .input("verify-keys", work.resolve("alice.pub").toString())
        .input("sign-key", pem("carol.key"))
        .input("registry-username", mirror.username()).input("registry-password", mirror.password())
        .input("registry-ca", mirror.caCertificate().toString()), "copy");
    assertThat(copy.exitCode()).as(copy.log()).isZero();
    assertThat(copy.log()).doesNotContain(mirror.password(), body(pem("carol.key")));
    assertThat(copy.outputs()).containsEntry("image-url", destination).containsEntry("image-digest", digestOfPlain(source))
        .containsEntry("copied-tags", "v1");
    assertThat(copy.outputs().get("image-digest")).isEqualTo(digestOfMirror(destination));
    assertThat(copy.summary()).contains("### Moat: copied", "|---|");

    LocalActionRun.Outcome verify = run(action("verify").input("image", destination).input("keys", work.resolve("carol.pub").toString())
        .input("registry-username", mirror.username()).input("registry-password", mirror.password())
        .input("registry-ca", mirror.caCertificate().toString()), "verify");
    assertThat(verify.exitCode()).as(verify.log()).isZero();
  }

  @Test
  void copyWithoutCredentialsFailsWithTheAuthExitCode() throws Exception {
    String source = freshImage("action/nocreds");
    LocalActionRun.Outcome copy = run(action("copy").input("source", source).input("destination", mirror.host() + "/mirror/nocreds:v1")
        .input("registry-ca", mirror.caCertificate().toString()), "copy");
    assertThat(copy.exitCode()).as(copy.log()).isEqualTo(4);
  }

  @Test
  void anUnknownMoatVersionStopsAtTheSetupStep() throws Exception {
    LocalActionRun.Outcome outcome = run(action("verify").input("image", plain.host() + "/team/app:v1")
        .input("keys", work.resolve("alice.pub").toString()).input("moat-version", "latest"), "setup");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.log()).contains("::error::moat-version must be source, installed or a version");
    assertThat(outcome.outputsFiles()).isEmpty();
  }

  @Test
  void whitelistLearnsExportsSummarisesAndHandsTheFilesToUploadArtifact() throws Exception {
    String image = freshImage("action/whitelist");
    LocalActionRun.Outcome outcome = run(action("whitelist").input("image", image).input("selector", "app=shop,\n tier=web"), "whitelist");
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    Path workspace = temp.resolve("whitelist/workspace");
    byte[] whitelist = Files.readAllBytes(workspace.resolve("moat-whitelist/whitelist.json"));
    JsonNode doc = new ObjectMapper().readTree(whitelist);
    assertThat(outcome.outputs())
        .containsEntry("image-url", image)
        .containsEntry("image-digest", digestOfPlain(image))
        .containsEntry("whitelist-digest", "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(whitelist)))
        .containsEntry("entry-count", Integer.toString(doc.path("platforms").get(0).path("entries").size()))
        .containsEntry("whitelist-path", "moat-whitelist/whitelist.json")
        .containsEntry("policies-dir", "moat-whitelist/policies");
    try (Stream<Path> policies = Files.list(workspace.resolve("moat-whitelist/policies"))) {
      assertThat(policies.toList()).as("one file or more per enforcer").hasSizeGreaterThanOrEqualTo(4);
    }
    assertThat(outcome.summary()).contains("### Moat: whitelist learned", "| kind | entries |", "| elf-executable |", digestOfPlain(image));
    assertThat(outcome.used()).containsOnlyKeys("actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02");
    Map<String, String> upload = outcome.used().values().iterator().next();
    assertThat(upload).containsEntry("name", "moat-whitelist").containsEntry("if-no-files-found", "error");
    assertThat(upload.get("path").lines()).contains("moat-whitelist/whitelist.json", "moat-whitelist/policies");
  }

  @Test
  void whitelistWithoutFormatsOrUploadWritesOnlyTheWhitelist() throws Exception {
    String image = freshImage("action/whitelist-only");
    LocalActionRun.Outcome outcome = run(action("whitelist").input("image", image).input("formats", "").input("output", "wl.json")
        .input("upload-artifact", "false"), "only");
    assertThat(outcome.exitCode()).as(outcome.log()).isZero();
    assertThat(temp.resolve("only/workspace/wl.json")).isRegularFile();
    assertThat(temp.resolve("only/workspace/moat-whitelist")).doesNotExist();
    assertThat(outcome.outputs()).containsEntry("policies-dir", "").containsEntry("whitelist-path", "wl.json");
    assertThat(outcome.used()).isEmpty();
  }

  @Test
  void whitelistAttachWithoutAKeyFailsWithTheBadInputExitCode() throws Exception {
    LocalActionRun.Outcome outcome = run(action("whitelist").input("image", plain.host() + "/team/app:v1").input("attach", "true"), "nokey");
    assertThat(outcome.exitCode()).as(outcome.log()).isEqualTo(2);
    assertThat(outcome.log()).contains("--key");
  }

  private static String digestOfMirror(String image) throws Exception {
    Path auth = Files.createTempFile(work, "auth-", ".json");
    String token = Base64.getEncoder().encodeToString((mirror.username() + ":" + mirror.password()).getBytes(StandardCharsets.UTF_8));
    Files.writeString(auth, "{\"auths\":{\"" + mirror.host() + "\":{\"auth\":\"" + token + "\"}}}");
    try {
      return TestImages.sh(work, "skopeo", "inspect", "--authfile", auth.toString(), "--cert-dir", mirror.caCertificate().getParent().toString(),
          "--format", "{{.Digest}}", "docker://" + image).trim();
    } finally {
      Files.delete(auth);
    }
  }

  /** The base64 body of a PEM file (the secret part, without the BEGIN/END lines). */
  private static String body(String pem) {
    return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
  }
}
