package dev.moat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat decoy deploy|list|remove} as a user runs them, against fabric8's mock API server in CRUD mode — a
 * fake: no Kubernetes API server can run here. The CLI finds it through a kubeconfig, as it would find a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class DecoyDeployCommandTest {

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  @BeforeEach
  void kubeconfig() throws Exception {
    Path config = dir.resolve("kubeconfig");
    Files.writeString(config, String.join("\n",
        "apiVersion: v1", "kind: Config", "current-context: mock",
        "clusters:", "- name: mock", "  cluster:", "    server: " + server.url("/").replaceAll("/$", ""), "    insecure-skip-tls-verify: true",
        "users:", "- name: tester", "  user:", "    token: test-token",
        "contexts:", "- name: mock", "  context:", "    cluster: mock", "    user: tester", "    namespace: default", ""));
    System.setProperty("kubeconfig", config.toString());
  }

  @AfterEach
  void forget() {
    System.clearProperty("kubeconfig");
  }

  private record Run(int code, String out, String err) {}

  private static Run moat(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MoatCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void deployListAndRemoveADecoyUnderTheChosenNames() {
    Run deploy = moat("decoy", "deploy", "--decoy", "redis", "--name", "payments-cache", "--namespace", "prod", "--label", "team=payments");
    assertThat(deploy.code()).as(deploy.err()).isZero();
    assertThat(client.services().inNamespace("prod").withName("payments-cache").get().getSpec().getPorts().get(0).getPort()).isEqualTo(6379);
    assertThat(client.network().v1().networkPolicies().inNamespace("prod").withName("payments-cache-egress").get()).isNotNull();

    Run list = moat("decoy", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("prod", "payments-cache", "redis");

    Run remove = moat("decoy", "remove", "payments-cache", "--namespace", "prod");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(client.apps().deployments().inNamespace("prod").list().getItems()).isEmpty();
    assertThat(client.services().inNamespace("prod").list().getItems()).isEmpty();

    Run again = moat("decoy", "remove", "payments-cache", "--namespace", "prod");
    assertThat(again.code()).as("nothing left to remove").isEqualTo(5);
    assertThat(again.err()).contains("no decoy named payments-cache");
  }

  @Test
  void dryRunPrintsTheObjectsAndTouchesNothing() {
    Run dry = moat("decoy", "deploy", "--decoy", "ssh", "--name", "bastion", "--namespace", "ops", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("kind: \"Deployment\"", "kind: \"Service\"", "kind: \"NetworkPolicy\"", "port: 22", "readOnlyRootFilesystem: true");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void badInputIsOneLineNamingItAndExitTwo() {
    Run badNamespace = moat("decoy", "deploy", "--decoy", "redis", "--namespace", "Prod_1", "--dry-run");
    assertThat(badNamespace.code()).isEqualTo(2);
    assertThat(badNamespace.err()).contains("namespace 'Prod_1'").doesNotContain("Exception");
    Run unknownPort = moat("decoy", "deploy", "--decoy", "custom-http", "--dry-run");
    assertThat(unknownPort.code()).isEqualTo(2);
    assertThat(unknownPort.err()).contains("custom-http", "--port");
    Run badEgress = moat("decoy", "deploy", "--decoy", "redis", "--alert-egress", "http://x", "--dry-run");
    assertThat(badEgress.code()).isEqualTo(2);
    assertThat(badEgress.err()).contains("alert-egress");
  }

  @Test
  void deployAndRemoveEveryDecoyOfADecoysYamlWithTheirOutputs() throws Exception {
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, String.join("\n",
        "decoys:",
        "  - name: payments-cache",
        "    type: redis",
        "    namespace: prod",
        "    labels: {team: payments}",
        "  - name: build-docker",
        "    type: docker-api",
        "    service: docker",
        "    replicas: 2",
        ""));
    Path outputs = dir.resolve("outputs");
    Run deploy = moat("decoy", "deploy", "--config", config.toString(), "--namespace", "ci", "--outputs-file", outputs.toString());
    assertThat(deploy.code()).as(deploy.err()).isZero();
    assertThat(client.services().inNamespace("prod").withName("payments-cache").get().getSpec().getPorts().get(0).getPort()).isEqualTo(6379);
    assertThat(client.services().inNamespace("ci").withName("docker").get().getSpec().getPorts().get(0).getPort()).isEqualTo(2375);
    assertThat(client.apps().deployments().inNamespace("ci").withName("build-docker").get().getSpec().getReplicas()).isEqualTo(2);
    assertThat(client.apps().deployments().inNamespace("prod").withName("payments-cache").get().getMetadata().getLabels())
        .containsEntry("team", "payments");
    assertThat(Files.readString(outputs)).contains("deployed=payments-cache,build-docker\n", "deployed-count=2\n",
        "services=payments-cache.prod:6379,docker.ci:2375\n");

    Path removed = dir.resolve("removed");
    Run remove = moat("decoy", "remove", "--config", config.toString(), "--namespace", "ci", "--outputs-file", removed.toString());
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.err()).contains("deleted Deployment/payments-cache", "deleted Service/docker");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.services().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(client.network().v1().networkPolicies().inAnyNamespace().list().getItems()).isEmpty();
    assertThat(Files.readString(removed)).contains("removed=payments-cache,build-docker\n", "removed-count=2\n", "deleted-objects=6\n");
  }

  @Test
  void removeWithIgnoreMissingSkipsWhatIsNotThereAndRemovesTheRest() throws Exception {
    assertThat(moat("decoy", "deploy", "--decoy", "etcd", "--name", "config-store", "--kubernetes-events").code()).isZero();
    assertThat(client.rbac().roles().inNamespace("default").list().getItems()).hasSize(1);
    Path outputs = dir.resolve("outputs");
    Run remove = moat("decoy", "remove", "never-deployed", "config-store", "--ignore-missing", "--outputs-file", outputs.toString());
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.err()).contains("no decoy named never-deployed in namespace default (skipped)", "deleted Role/config-store-events",
        "deleted ServiceAccount/config-store");
    assertThat(client.rbac().roles().inNamespace("default").list().getItems()).isEmpty();
    assertThat(client.serviceAccounts().inNamespace("default").withName("config-store").get()).isNull();
    assertThat(Files.readString(outputs)).contains("removed=config-store\n", "removed-count=1\n");
  }

  @Test
  void aCustomDecoyInTheConfigOrAMixOfFormsIsOneLineAndExitTwo() throws Exception {
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, "decoys:\n  - name: admin\n    type: http\n    port: 8080\n    routes:\n      - path: /\n        body: ok\n");
    Run custom = moat("decoy", "deploy", "--config", config.toString(), "--dry-run");
    assertThat(custom.code()).isEqualTo(2);
    assertThat(custom.err()).contains("decoy 'admin' is a custom http decoy").doesNotContain("Exception");
    Run both = moat("decoy", "deploy", "--config", config.toString(), "--decoy", "redis", "--dry-run");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("either a decoy type or a decoys.yaml");
    Run nameWithConfig = moat("decoy", "remove", "x", "--config", config.toString());
    assertThat(nameWithConfig.code()).isEqualTo(2);
    assertThat(nameWithConfig.err()).contains("either decoy names or a decoys.yaml");
    Run neither = moat("decoy", "remove");
    assertThat(neither.code()).isEqualTo(2);
  }
}
