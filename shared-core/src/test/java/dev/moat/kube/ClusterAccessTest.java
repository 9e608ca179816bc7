package dev.moat.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * Where a wrapper's Kubernetes client comes from. The API server is fabric8's mock server in CRUD mode — a fake: no
 * Kubernetes API server can run here.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterAccessTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void aKubeconfigGivenAsTextReachesItsServer() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("from-test").endMetadata().build()).create();
    String kubeconfig = Serialization.asYaml(new io.fabric8.kubernetes.api.model.ConfigBuilder()
        .withCurrentContext("mock")
        .addNewCluster().withName("mock").withNewCluster().withServer(server.url("/").replaceAll("/$", "")).withInsecureSkipTlsVerify(true)
        .endCluster().endCluster()
        .addNewUser().withName("tester").withNewUser().withToken("test-token").endUser().endUser()
        .addNewContext().withName("mock").withNewContext().withCluster("mock").withUser("tester").endContext().endContext()
        .build());
    try (KubernetesClient fromText = ClusterAccess.fromKubeconfig("credential 'kc'", kubeconfig).client()) {
      assertThat(fromText.namespaces().withName("from-test").get()).isNotNull();
    }
  }

  @Test
  void aKubeconfigWithoutAServerIsABadInputNamingItsSource() {
    assertThatThrownBy(() -> ClusterAccess.fromKubeconfig("credential 'kc'", "apiVersion: v1\nkind: Config\n"))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).startsWith("credential 'kc'");
        });
  }

  @Test
  void aServiceAccountWithoutItsTokenIsABadInput() {
    assertThatThrownBy(() -> ClusterAccess.fromServiceAccount("10.0.0.1", "443", "", null, null))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("KUBERNETES_SERVICE_HOST or the token"));
  }

  @Test
  void aServiceAccountPointsAtTheInClusterApiServerWithItsToken() throws Exception {
    try (KubernetesClient sa = ClusterAccess.fromServiceAccount("10.96.0.1", "6443", "sa-token\n", null, "ci").client()) {
      assertThat(sa.getConfiguration().getMasterUrl()).startsWith("https://10.96.0.1:6443");
      assertThat(sa.getConfiguration().getOauthToken()).isEqualTo("sa-token");
      assertThat(sa.getConfiguration().getNamespace()).isEqualTo("ci");
    }
  }

  @Test
  void aKubeconfigThatWouldRunACommandOrReadALocalFileIsRefused() {
    String exec = String.join("\n", "apiVersion: v1", "kind: Config", "current-context: c",
        "clusters:", "- name: k", "  cluster:", "    server: https://10.0.0.1",
        "users:", "- name: u", "  user:", "    exec:", "      apiVersion: client.authentication.k8s.io/v1", "      command: /bin/touch",
        "      args: [/tmp/pwned]",
        "contexts:", "- name: c", "  context:", "    cluster: k", "    user: u", "");
    assertThatThrownBy(() -> ClusterAccess.fromKubeconfig("the KUBECONFIG file", exec))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("user 'u'", "exec or auth-provider"));
    String tokenFile = exec.replace("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/touch\n      args: [/tmp/pwned]",
        "    tokenFile: /var/jenkins_home/secrets/master.key");
    assertThatThrownBy(() -> ClusterAccess.fromKubeconfig("the KUBECONFIG file", tokenFile))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("refers to files"));
    String caFile = tokenFile.replace("    tokenFile: /var/jenkins_home/secrets/master.key", "    token: t")
        .replace("    server: https://10.0.0.1", "    server: https://10.0.0.1\n    certificate-authority: /etc/shadow");
    assertThatThrownBy(() -> ClusterAccess.fromKubeconfig("the KUBECONFIG file", caFile))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("certificate-authority file"));
  }
}
