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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
  void deployTakesEveryDecoyOfTheConfigWorkspaceAndACustomOneItsConfigMap() throws Exception {
    Path config = Files.createDirectories(run.resolve("ws/config"));
    Files.writeString(config.resolve("decoys.yaml"), String.join("\n",
        "decoys:", "  - name: ci-docker", "    type: docker-api", "  - name: billing-admin", "    type: http", "    port: 80", "    routes:",
        "      - {path: /admin/**, status: 403, body: Forbidden, alert: {severity: high, action: http.admin_probe}}", ""));
    LocalTaskRun.Outcome deploy = task().param("config", "decoys.yaml").param("namespace", "ci").workspace("config", config).run(run.resolve("deploy"));
    assertThat(deploy.exitCode()).as(deploy.log()).isZero();
    assertThat(deploy.results()).containsEntry("DECOYS", "ci-docker,billing-admin").containsEntry("DECOY_COUNT", "2");
    assertThat(client.apps().deployments().inNamespace("ci").list().getItems()).hasSize(2);
    assertThat(client.configMaps().inNamespace("ci").withName("billing-admin").get().getData().get("decoys.yaml")).contains("http.admin_probe");
  }

  @Test
  void aDryRunPrintsTheObjectsAndAppliesNothing() throws Exception {
    LocalTaskRun.Outcome dry = task().param("decoy", "etcd").param("dry-run", "true").run(run);
    assertThat(dry.exitCode()).as(dry.log()).isZero();
    assertThat(dry.log()).contains("kind: \"Deployment\"", "kind: \"NetworkPolicy\"", "runAsNonRoot: true");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      action=undeploy, decoy=redis                 | action must be deploy or remove
      config=../decoys.yaml                        | '../decoys.yaml'
      action=remove, config=decoys.yaml            | config workspace is not bound
      decoy=redis, kubeconfig-file-name=config     | no file 'config'
      action=remove, decoy=redis                   | decoy is for deploy
      decoy=redis, name=Payments_Cache             | name 'Payments_Cache' is not a valid Kubernetes name
      decoy=redis, dry-run=maybe                   | dry-run must be true or false
      """)
  void badInputsStopTheStepWithExitTwoBeforeTheClusterIsTouched(String params, String message) throws Exception {
    LocalTaskRun task = task();
    for (String param : params.split(",")) {
      String[] kv = param.trim().split("=", 2);
      task.param(kv[0], kv[1]);
    }
    LocalTaskRun.Outcome outcome = task.run(run);
    assertThat(outcome.exitCode()).as(outcome.log()).isEqualTo(2);
    assertThat(outcome.log()).contains(message).doesNotContain("Exception");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }
}
