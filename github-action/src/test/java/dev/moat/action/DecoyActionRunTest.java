package dev.moat.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MockKubeconfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the decoy action's real steps (see {@link LocalActionRun}, moat-version "source") against fabric8's mock API
 * server in CRUD mode — a fake: no Kubernetes API server can run here. The kubeconfig input names the mock server,
 * as a workflow's secret would name a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class DecoyActionRunTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path temp;

  private LocalActionRun decoy() throws Exception {
    return new LocalActionRun(ActionFiles.actionDir("decoy"));
  }

  private LocalActionRun.Outcome run(LocalActionRun action, String name) throws Exception {
    return action.runIn(temp, name);
  }

  @Test
  void deployWithAPastedKubeconfigThenRemoveWithAKubeconfigFile() throws Exception {
    String kubeconfig = MockKubeconfig.text(server.url("/"), "default");
    LocalActionRun.Outcome deploy = run(decoy().input("decoy", "elasticsearch").input("name", "search-logs").input("namespace", "observability")
        .input("labels", "team=sre,\n app=logs").input("kubeconfig", kubeconfig), "deploy");
    assertThat(deploy.exitCode()).as(deploy.log()).isZero();
    assertThat(deploy.log()).doesNotContain("mock-token");
    assertThat(deploy.outputs()).containsEntry("decoy-name", "search-logs").containsEntry("service", "search-logs.observability")
        .containsEntry("port", "9200").containsEntry("decoys", "search-logs").containsEntry("decoy-count", "1")
        .containsEntry("removed", "").containsEntry("removed-count", "0").containsEntry("deleted-objects", "0");
    assertThat(deploy.summary()).contains("### Moat: decoy deployed", "| search-logs | elasticsearch | search-logs | observability | 9200 |");
    assertThat(client.apps().deployments().inNamespace("observability").withName("search-logs").get().getMetadata().getLabels())
        .containsEntry("team", "sre").containsEntry("app", "logs");

    Path file = MockKubeconfig.write(temp.resolve("kube/config"), server.url("/"));
    LocalActionRun.Outcome remove = run(decoy().input("action", "remove").input("name", "search-logs").input("namespace", "observability")
        .input("kubeconfig", file.toString()), "remove");
    assertThat(remove.exitCode()).as(remove.log()).isZero();
    assertThat(remove.outputs()).containsEntry("removed", "search-logs").containsEntry("removed-count", "1").containsEntry("deleted-objects", "3")
        .containsEntry("decoys", "").containsEntry("decoy-count", "0");
    assertThat(remove.summary()).contains("### Moat: decoys removed", "| search-logs | observability | 3 |");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void theJobsOwnKubeconfigIsUsedWhenTheInputIsEmpty() throws Exception {
    Path file = MockKubeconfig.write(temp.resolve("kube/config"), server.url("/"));
    LocalActionRun.Outcome deploy = run(decoy().input("decoy", "redis").env("KUBECONFIG", file.toString()), "deploy");
    assertThat(deploy.exitCode()).as(deploy.log()).isZero();
    assertThat(client.services().inNamespace("default").withName("redis").get()).isNotNull();
    LocalActionRun.Outcome missing = run(decoy().input("action", "remove").input("name", "redis, cache").env("KUBECONFIG", file.toString()), "missing");
    assertThat(missing.exitCode()).as("cache was never deployed").isEqualTo(5);
    assertThat(missing.log()).contains("no decoy named cache");
    LocalActionRun.Outcome tolerated = run(decoy().input("action", "remove").input("name", "cache").input("ignore-missing", "true")
        .env("KUBECONFIG", file.toString()), "tolerated");
    assertThat(tolerated.exitCode()).as(tolerated.log()).isZero();
    assertThat(tolerated.outputs()).containsEntry("removed-count", "0");
  }

  @Test
  void badInputsFailTheStepWithExitTwo() throws Exception {
    LocalActionRun.Outcome action = run(decoy().input("action", "delete").input("name", "x"), "action");
    assertThat(action.exitCode()).isEqualTo(2);
    assertThat(action.log()).contains("action must be deploy or remove");
    LocalActionRun.Outcome flag = run(decoy().input("decoy", "redis").input("dry-run", "yes please"), "flag");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.log()).contains("dry-run must be true or false");
    LocalActionRun.Outcome kubeconfig = run(decoy().input("decoy", "redis").input("kubeconfig", "/no/such/kubeconfig"), "kubeconfig");
    assertThat(kubeconfig.exitCode()).isEqualTo(2);
    assertThat(kubeconfig.log()).contains("kubeconfig is neither a file nor");
    LocalActionRun.Outcome egress = run(decoy().input("decoy", "redis").input("alert-egress", "http://sink").input("dry-run", "true"), "egress");
    assertThat(egress.exitCode()).isEqualTo(2);
    assertThat(egress.log()).contains("alert-egress 'http://sink'").doesNotContain("Exception");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }
}
