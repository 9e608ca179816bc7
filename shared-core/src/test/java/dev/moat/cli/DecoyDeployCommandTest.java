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
  void aDecoysYamlDeploysEveryDecoyAndACustomOneTakesItsConfigMapAlongAndAway() throws Exception {
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, """
        decoys:
          - name: payments-cache
            type: redis
            namespace: prod
          - name: billing-admin
            type: http
            port: 80
            routes:
              - path: /admin/**
                status: 403
                body: "Forbidden"
                alert: {severity: high, action: http.admin_probe}
          - name: bastion
            type: ssh
            credentials: ["deploy:hunter2"]
        """);
    Run deploy = moat("decoy", "deploy", "--config", config.toString(), "--namespace", "shop", "--label", "team=sec");
    assertThat(deploy.code()).as(deploy.err()).isZero();
    assertThat(client.apps().deployments().inNamespace("prod").withName("payments-cache").get()).isNotNull();
    assertThat(client.apps().deployments().inNamespace("shop").list().getItems()).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("billing-admin", "bastion");
    assertThat(client.services().inNamespace("shop").withName("billing-admin").get().getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(client.configMaps().inNamespace("shop").withName("billing-admin").get().getData().get("decoys.yaml")).contains("http.admin_probe");
    assertThat(client.configMaps().inNamespace("shop").withName("bastion").get().getData().get("decoys.yaml")).contains("deploy:hunter2");
    assertThat(client.configMaps().inNamespace("prod").list().getItems()).as("a catalogue decoy needs none").isEmpty();
    assertThat(client.apps().deployments().inNamespace("shop").withName("billing-admin").get().getMetadata().getLabels()).containsEntry("team", "sec");

    Run remove = moat("decoy", "remove", "billing-admin", "--namespace", "shop");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.err()).contains("ConfigMap/billing-admin");
    assertThat(client.configMaps().inNamespace("shop").withName("billing-admin").get()).isNull();
    assertThat(client.configMaps().inNamespace("shop").withName("bastion").get()).as("the other decoy is untouched").isNotNull();
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
    Run unknownType = moat("decoy", "deploy", "--decoy", "custom-http", "--dry-run");
    assertThat(unknownType.code()).isEqualTo(2);
    assertThat(unknownType.err()).contains("no decoy type 'custom-http'", "--config");
    Run both = moat("decoy", "deploy", "--decoy", "redis", "--config", "decoys.yaml", "--dry-run");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("type and config are both given");
    Run neither = moat("decoy", "deploy", "--dry-run");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("no decoy given");
    Run badEgress = moat("decoy", "deploy", "--decoy", "redis", "--alert-egress", "http://x", "--dry-run");
    assertThat(badEgress.code()).isEqualTo(2);
    assertThat(badEgress.err()).contains("alert-egress");
  }

  @Test
  void removeTakesEveryDecoyOfTheDecoysYamlEachInItsNamespaceAndWritesTheOutputs() throws Exception {
    assertThat(moat("decoy", "deploy", "--decoy", "redis", "--name", "payments-cache", "--namespace", "prod").code()).isZero();
    assertThat(moat("decoy", "deploy", "--decoy", "docker-api", "--name", "build-docker", "--service", "docker", "--namespace", "ci").code()).isZero();
    assertThat(moat("decoy", "deploy", "--decoy", "etcd", "--name", "kept", "--namespace", "ci").code()).isZero();
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, String.join("\n",
        "decoys:", "  - name: payments-cache", "    type: redis", "    namespace: prod", "  - name: build-docker", "    type: docker-api", ""));
    Path outputs = dir.resolve("outputs");
    Path summary = dir.resolve("summary.md");
    Run remove = moat("decoy", "remove", "--config", config.toString(), "--namespace", "ci", "--outputs-file", outputs.toString(),
        "--summary-file", summary.toString());
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(remove.err()).contains("deleted Deployment/payments-cache", "deleted Service/docker", "deleted NetworkPolicy/build-docker-egress");
    assertThat(remove.out()).contains("Removed 2 decoys (payments-cache, build-docker) (6 objects)");
    assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).extracting(d -> d.getMetadata().getName()).containsExactly("kept");
    assertThat(client.services().inNamespace("prod").list().getItems()).isEmpty();
    assertThat(Files.readString(outputs)).contains("removed=payments-cache,build-docker\n", "removed-count=2\n", "deleted-objects=6\n");
    assertThat(Files.readString(summary)).contains("### Moat: decoys removed", "| build-docker | ci | 3 |");
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
  void removeWithNamesAndAConfigOrWithNeitherIsOneLineAndExitTwo() throws Exception {
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, "decoys:\n  - name: a\n    type: redis\n");
    Run both = moat("decoy", "remove", "x", "--config", config.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("either decoy names or a decoys.yaml").doesNotContain("Exception");
    Run neither = moat("decoy", "remove");
    assertThat(neither.code()).isEqualTo(2);
    Run badName = moat("decoy", "remove", "Bad_Name");
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("name 'Bad_Name'");
  }
}
