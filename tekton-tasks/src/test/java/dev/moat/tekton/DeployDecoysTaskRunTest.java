package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MockKubeconfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs moat-deploy-decoys' real step script (see {@link LocalTaskRun}) against fabric8's mock API server in CRUD mode
 * — a fake: no Kubernetes API server can run here. The kubeconfig workspace holds a kubeconfig naming the mock
 * server, as a Secret would hold one naming a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class DeployDecoysTaskRunTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path run;
  Path kubeconfig;

  @BeforeEach
  void kubeconfigWorkspace() throws Exception {
    kubeconfig = Files.createDirectories(run.resolve("ws/kubeconfig"));
    MockKubeconfig.write(kubeconfig.resolve("kubeconfig"), server.url("/"));
  }

  private LocalTaskRun task() {
    return new LocalTaskRun(TektonCatalog.task("moat-deploy-decoys")).workspace("kubeconfig", kubeconfig);
  }

  @Test
  void deployThenRemoveOneDecoyWritesEveryResult() throws Exception {
    LocalTaskRun.Outcome deploy = task().param("decoy", "redis").param("name", "payments-cache").param("namespace", "prod")
        .param("labels", "team=payments,\n tier=cache ").run(run.resolve("deploy"));
    assertThat(deploy.exitCode()).as(deploy.log()).isZero();
    assertThat(deploy.results()).containsEntry("DECOY_NAME", "payments-cache").containsEntry("SERVICE", "payments-cache.prod")
        .containsEntry("PORT", "6379").containsEntry("DECOYS", "payments-cache").containsEntry("DECOY_COUNT", "1")
        .containsEntry("REMOVED", "").containsEntry("REMOVED_COUNT", "0").containsEntry("DELETED_OBJECTS", "0");
    assertThat(client.apps().deployments().inNamespace("prod").withName("payments-cache").get().getMetadata().getLabels())
        .containsEntry("team", "payments").containsEntry("tier", "cache");
    assertThat(client.network().v1().networkPolicies().inNamespace("prod").withName("payments-cache-egress").get()).isNotNull();

    LocalTaskRun.Outcome remove = task().param("action", "remove").param("name", "payments-cache").param("namespace", "prod")
        .run(run.resolve("remove"));
    assertThat(remove.exitCode()).as(remove.log()).isZero();
    assertThat(remove.results()).containsEntry("REMOVED", "payments-cache").containsEntry("REMOVED_COUNT", "1")
        .containsEntry("DELETED_OBJECTS", "3").containsEntry("DECOYS", "").containsEntry("DECOY_COUNT", "0").containsEntry("PORT", "");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.services().inAnyNamespace().list().getItems()).isEmpty();

    LocalTaskRun.Outcome again = task().param("action", "remove").param("name", "payments-cache").param("namespace", "prod")
        .run(run.resolve("again"));
    assertThat(again.exitCode()).as("nothing left: NOT_FOUND").isEqualTo(5);
    LocalTaskRun.Outcome tolerated = task().param("action", "remove").param("name", "payments-cache").param("namespace", "prod")
        .param("ignore-missing", "true").run(run.resolve("tolerated"));
    assertThat(tolerated.exitCode()).as(tolerated.log()).isZero();
    assertThat(tolerated.results()).containsEntry("REMOVED_COUNT", "0");
  }

  @Test
  void removeTakesEveryDecoyOfTheConfigWorkspaceEachInItsNamespace() throws Exception {
    LocalTaskRun.Outcome docker = task().param("decoy", "docker-api").param("name", "ci-docker").param("namespace", "ci").run(run.resolve("d1"));
    assertThat(docker.exitCode()).as(docker.log()).isZero();
    LocalTaskRun.Outcome jenkins = task().param("decoy", "jenkins").param("name", "old-jenkins").param("namespace", "tools").param("port", "8081")
        .run(run.resolve("d2"));
    assertThat(jenkins.exitCode()).as(jenkins.log()).isZero();
    assertThat(jenkins.results()).containsEntry("PORT", "8081");
    Path config = Files.createDirectories(run.resolve("ws/config"));
    Files.writeString(config.resolve("decoys.yaml"), String.join("\n",
        "decoys:", "  - name: ci-docker", "    type: docker-api", "  - name: old-jenkins", "    type: jenkins", "    namespace: tools", ""));

    LocalTaskRun.Outcome remove = task().param("action", "remove").param("config", "decoys.yaml").param("namespace", "ci")
        .workspace("config", config).run(run.resolve("remove"));
    assertThat(remove.exitCode()).as(remove.log()).isZero();
    assertThat(remove.results()).containsEntry("REMOVED", "ci-docker,old-jenkins").containsEntry("REMOVED_COUNT", "2")
        .containsEntry("DELETED_OBJECTS", "6");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void aDryRunPrintsTheObjectsAndAppliesNothing() throws Exception {
    LocalTaskRun.Outcome dry = task().param("decoy", "etcd").param("dry-run", "true").run(run);
    assertThat(dry.exitCode()).as(dry.log()).isZero();
    assertThat(dry.log()).contains("kind: \"Deployment\"", "kind: \"NetworkPolicy\"", "runAsNonRoot: true");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void badInputsStopTheStepWithExitTwoBeforeTheClusterIsTouched() throws Exception {
    LocalTaskRun.Outcome action = task().param("action", "undeploy").param("decoy", "redis").run(run.resolve("action"));
    assertThat(action.exitCode()).isEqualTo(2);
    assertThat(action.log()).contains("action must be deploy or remove");
    LocalTaskRun.Outcome escape = task().param("config", "../decoys.yaml").run(run.resolve("escape"));
    assertThat(escape.exitCode()).isEqualTo(2);
    assertThat(escape.log()).contains("'../decoys.yaml'");
    LocalTaskRun.Outcome unbound = task().param("action", "remove").param("config", "decoys.yaml").run(run.resolve("unbound"));
    assertThat(unbound.exitCode()).isEqualTo(2);
    assertThat(unbound.log()).contains("config workspace is not bound");
    LocalTaskRun.Outcome noKubeconfig = task().param("decoy", "redis").param("kubeconfig-file-name", "config").run(run.resolve("nokc"));
    assertThat(noKubeconfig.exitCode()).isEqualTo(2);
    assertThat(noKubeconfig.log()).contains("no file 'config'");
    LocalTaskRun.Outcome wrongForm = task().param("action", "remove").param("decoy", "redis").run(run.resolve("form"));
    assertThat(wrongForm.exitCode()).isEqualTo(2);
    assertThat(wrongForm.log()).contains("decoy is for deploy");
    LocalTaskRun.Outcome badName = task().param("decoy", "redis").param("name", "Payments_Cache").run(run.resolve("name"));
    assertThat(badName.exitCode()).isEqualTo(2);
    assertThat(badName.log()).contains("name 'Payments_Cache'").doesNotContain("Exception");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }
}
