package io.jenkins.plugins.moat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import hudson.model.Result;
import hudson.util.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Real Jenkins builds (jenkins-test-harness) running moatSign, moatVerify and moatLearnWhitelist against a real registry
 * (docker-registry on 127.0.0.1, see LocalRegistry), with keys from secret file and secret text credentials.
 *
 * <p>These tests need the Jenkins plugin build (repo.jenkins-ci.org). They were written where that repository
 * is unreachable and have NOT been run yet; only the main sources were compile-checked, against API stubs.
 */
@WithJenkins
class MoatStepsTest {

  static LocalRegistry registry;
  static Path work;

  private JenkinsRule j;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    assumeTrue(LocalRegistry.available(), "skipped: docker-registry is not installed");
    assumeTrue(TestImages.toolsAvailable(), "skipped: umoci and skopeo are not installed");
    work = dir;
    registry = LocalRegistry.plain();
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "jenkins"));
    TestImages.push(layout, "v1", registry, "team/app:v1");
    for (String name : List.of("alice", "mallory")) {
      MoatProcess.Result r = MoatProcess.run(Map.of(), dir, "key", "generate", "--format", "pkcs8", "--output-key-prefix", name);
      assertThat(r.exitCode()).as(r.all()).isZero();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void credentials(JenkinsRule rule) throws Exception {
    j = rule;
    var store = SystemCredentialsProvider.getInstance();
    store.getCredentials().add(new FileCredentialsImpl(CredentialsScope.GLOBAL, "signing-key", "alice's key", "cosign.key",
        SecretBytes.fromBytes(Files.readAllBytes(work.resolve("alice.key")))));
    store.getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "alice-pub", "", Secret.fromString(Files.readString(work.resolve("alice.pub")))));
    store.getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "mallory-pub", "", Secret.fromString(Files.readString(work.resolve("mallory.pub")))));
    store.save();
  }

  private static String freshImage(String repository) throws Exception {
    String image = registry.host() + "/" + repository + ":v1";
    TestImages.sh(work, "skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + registry.host() + "/team/app:v1", "docker://" + image);
    return image;
  }

  private WorkflowRun build(String script) throws Exception {
    return Pipelines.start(j, script);
  }

  @Test
  void signThenVerifyReturnsTheDigestAndRecordsBothStages() throws Exception {
    String image = freshImage("jenkins/ok");
    WorkflowRun run = j.assertBuildStatusSuccess(build(
        "def signed = moatSign image: '" + image + "', keyCredentialsId: 'signing-key'\n"
            + "echo \"signed=${signed.IMAGE_DIGEST}\"\n"
            + "def verified = moatVerify image: \"" + image + "@${signed.IMAGE_DIGEST}\", publicKeyCredentialsIds: 'alice-pub'\n"
            + "echo \"verified=${verified.IMAGE_DIGEST} signers=${verified.SIGNERS}\"\n"));
    String digest = TestImages.sh(work, "skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + image).trim();
    j.assertLogContains("signed=" + digest, run);
    j.assertLogContains("verified=" + digest, run);
    j.assertLogNotContains(Files.readString(work.resolve("alice.key")).lines().skip(1).findFirst().orElseThrow(), run);
    MoatResultAction action = run.getAction(MoatResultAction.class);
    assertThat(action.getRows()).extracting(MoatResultAction.Row::getStage).containsExactly("sign", "verify");
    assertThat(action.getRows()).allSatisfy(row -> assertThat(row.getDigest()).isEqualTo(digest));
    assertThat(action.getRows()).allMatch(MoatResultAction.Row::isPassed);
  }

  @Test
  void aFailedVerificationFailsTheBuildWithOneLine() throws Exception {
    String image = freshImage("jenkins/wrongkey");
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build(
        "moatSign image: '" + image + "', keyCredentialsId: 'signing-key'\n"
            + "moatVerify image: '" + image + "', publicKeyCredentialsIds: 'mallory-pub'\n"));
    j.assertLogContains("ERROR: ", run);
    j.assertLogNotContains("\tat dev.moat", run);
    j.assertLogNotContains("AbortException", run);
    MoatResultAction action = run.getAction(MoatResultAction.class);
    assertThat(action.getRows()).extracting(MoatResultAction.Row::getStage).containsExactly("sign", "verify");
    assertThat(action.getRows().get(1).isPassed()).isFalse();
    j.assertLogContains(action.getRows().get(1).getMessage(), run);
  }

  @Test
  void verifyWithRequiredAnnotationsPassesOnlyForASignatureThatCarriesThem() throws Exception {
    String image = freshImage("jenkins/annotated");
    j.assertBuildStatusSuccess(build(
        "moatSign image: '" + image + "', keyCredentialsId: 'signing-key', annotations: 'env=prod, team=payments'\n"
            + "moatVerify image: '" + image + "', publicKeyCredentialsIds: 'alice-pub', annotations: 'team=payments'\n"));
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build(
        "moatVerify image: '" + image + "', publicKeyCredentialsIds: 'alice-pub', annotations: 'env=staging'\n"));
    j.assertLogContains("not with the required annotation(s) env=staging", run);
    j.assertLogNotContains("\tat dev.moat", run);
  }

  @Test
  void aMissingCredentialIsABuildErrorNotAStackTrace() throws Exception {
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build(
        "moatSign image: '" + registry.host() + "/team/app:v1', keyCredentialsId: 'no-such-key'\n"));
    j.assertLogContains("no secret file or secret text credentials with id 'no-such-key'", run);
    j.assertLogNotContains("\tat ", run);
  }

  @Test
  void learnWhitelistWritesArchivesAndReturnsTheCounts() throws Exception {
    String image = freshImage("jenkins/whitelist");
    WorkflowRun run = j.assertBuildStatusSuccess(build(
        "node {\n"
            + "  def learned = moatLearnWhitelist image: '" + image + "', selector: 'app=shop', namespace: 'shop'\n"
            + "  echo \"digest=${learned.IMAGE_DIGEST} entries=${learned.ENTRY_COUNT} whitelist=${learned.WHITELIST_DIGEST}\"\n"
            + "  echo \"busybox=${readFile('whitelist.json').contains('/bin/busybox')}\"\n"
            + "}\n"));
    String digest = TestImages.sh(work, "skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + image).trim();
    j.assertLogContains("digest=" + digest, run);
    j.assertLogContains("busybox=true", run);
    assertThat(run.getArtifacts()).extracting(a -> a.relativePath).contains("whitelist.json")
        .anyMatch(path -> path.startsWith("policies/"));
    MoatResultAction action = run.getAction(MoatResultAction.class);
    assertThat(action.getRows()).extracting(MoatResultAction.Row::getStage).containsExactly("learn whitelist");
    assertThat(action.getRows().get(0).getDigest()).isEqualTo(digest);
  }

  @Test
  void learnWhitelistWithAttachButNoKeyFailsWithOneLine() throws Exception {
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build(
        "node { moatLearnWhitelist image: '" + registry.host() + "/team/app:v1', attach: true }\n"));
    j.assertLogContains("'keyCredentialsId' is required", run);
    j.assertLogNotContains("\tat ", run);
  }
}
