package io.jenkins.plugins.moat;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import dev.moat.testing.MockKubeconfig;
import hudson.model.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Real Jenkins builds (jenkins-test-harness) running moatDeployDecoys against fabric8's mock API server in CRUD mode —
 * a fake: no Kubernetes API server can run in a build. The kubeconfig comes from a secret file credential, or from
 * KUBECONFIG on the node as withCredentials sets it.
 *
 * <p>These tests need the Jenkins plugin build (repo.jenkins-ci.org). They were written where that repository is
 * unreachable and have NOT been run yet; only the main sources were compile-checked, against API stubs.
 */
@WithJenkins
@EnableKubernetesMockClient(crud = true)
class MoatDeployDecoysStepTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private JenkinsRule j;

  @BeforeEach
  void kubeconfigCredential(JenkinsRule rule) throws Exception {
    j = rule;
    var store = SystemCredentialsProvider.getInstance();
    store.getCredentials().add(new FileCredentialsImpl(CredentialsScope.GLOBAL, "staging-kubeconfig", "the mock cluster", "kubeconfig",
        SecretBytes.fromBytes(MockKubeconfig.text(server.url("/"), "default").getBytes(StandardCharsets.UTF_8))));
    store.save();
  }

  private WorkflowRun build(String script) throws Exception {
    return Pipelines.start(j, script);
  }

  @Test
  void deployThenRemoveWithAKubeconfigCredentialReturnsTheOutputsAndRecordsBothStages() throws Exception {
    WorkflowRun run = j.assertBuildStatusSuccess(build(
        "def d = moatDeployDecoys decoy: 'redis', name: 'payments-cache', namespace: 'prod', labels: 'team=payments',\n"
            + "                       kubeconfigCredentialsId: 'staging-kubeconfig'\n"
            + "echo \"service=${d.SERVICE} port=${d.PORT} count=${d.DECOY_COUNT}\"\n"
            + "def r = moatDeployDecoys action: 'remove', name: 'payments-cache', namespace: 'prod', kubeconfigCredentialsId: 'staging-kubeconfig'\n"
            + "echo \"removed=${r.REMOVED} objects=${r.DELETED_OBJECTS}\"\n"));
    j.assertLogContains("service=payments-cache.prod port=6379 count=1", run);
    j.assertLogContains("removed=payments-cache objects=3", run);
    j.assertLogNotContains("mock-token", run);
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    MoatResultAction action = run.getAction(MoatResultAction.class);
    assertThat(action.getRows()).extracting(MoatResultAction.Row::getStage).containsExactly("deploy decoys", "remove decoys");
    assertThat(action.getRows()).allMatch(MoatResultAction.Row::isPassed);
    // the build page words decoy rows as decoys, not as image stages
    assertThat(action.getRows()).allMatch(MoatResultAction.Row::isDecoyStage);
    assertThat(action.getRows()).extracting(MoatResultAction.Row::getSubject)
        .containsExactly("payments-cache as Service payments-cache.prod:6379", "payments-cache");
    assertThat(action.getSummaryLine()).isEqualTo("1 decoy deployment(s), 1 decoy removal(s)");
  }

  @Test
  void kubeconfigFromWithCredentialsOnTheNodeIsUsed() throws Exception {
    WorkflowRun run = j.assertBuildStatusSuccess(build(
        "node {\n"
            + "  withCredentials([file(credentialsId: 'staging-kubeconfig', variable: 'KUBECONFIG')]) {\n"
            + "    moatDeployDecoys decoy: 'docker-api', name: 'build-docker', namespace: 'ci'\n"
            + "  }\n"
            + "}\n"));
    assertThat(client.services().inNamespace("ci").withName("build-docker").get().getSpec().getPorts().get(0).getPort()).isEqualTo(2375);
    j.assertLogContains("Deployed decoy build-docker (docker-api)", run);
  }

  @Test
  void withoutClusterCredentialsTheBuildFailsWithOneLineAndTheControllersConfigIsNotUsed() throws Exception {
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build("moatDeployDecoys decoy: 'redis'\n"));
    j.assertLogContains("no cluster credentials", run);
    j.assertLogNotContains("\tat ", run);
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void removingADecoyThatIsNotThereFailsUnlessIgnoreMissing() throws Exception {
    WorkflowRun missing = j.assertBuildStatus(Result.FAILURE, build(
        "moatDeployDecoys action: 'remove', name: 'ghost', kubeconfigCredentialsId: 'staging-kubeconfig'\n"));
    j.assertLogContains("no decoy named ghost in namespace default", missing);
    j.assertBuildStatusSuccess(build(
        "moatDeployDecoys action: 'remove', name: 'ghost', ignoreMissing: true, kubeconfigCredentialsId: 'staging-kubeconfig'\n"));
  }

  @Test
  void aBadNameIsOneLineNamingIt() throws Exception {
    WorkflowRun run = j.assertBuildStatus(Result.FAILURE, build(
        "moatDeployDecoys decoy: 'redis', name: 'Payments_Cache', kubeconfigCredentialsId: 'staging-kubeconfig'\n"));
    j.assertLogContains("name 'Payments_Cache' is not a valid Kubernetes name", run);
    j.assertLogNotContains("\tat ", run);
  }
}
