package dev.moat.kube;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Where a stage's Kubernetes client comes from: the process's own configuration (KUBECONFIG, ~/.kube/config or the
 * in-cluster ServiceAccount, as kubectl finds them), the text of a kubeconfig (a CI secret), or a ServiceAccount's
 * token and CA read from elsewhere (a Jenkins agent's pod). A wrapper picks one; the stage only calls {@link #client()}.
 */
public final class ClusterAccess {

  private final Supplier<KubernetesClient> clients;

  private ClusterAccess(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  /** KUBECONFIG / ~/.kube/config, else the in-cluster ServiceAccount of this process. */
  public static ClusterAccess fromEnvironment() {
    return new ClusterAccess(() -> new KubernetesClientBuilder().build());
  }

  /** A kubeconfig given as text; {@code source} names it in errors (a credential id, an input). */
  public static ClusterAccess fromKubeconfig(String source, String kubeconfig) throws MoatException {
    Config config;
    try {
      config = Config.fromKubeconfig(kubeconfig);
    } catch (RuntimeException e) {
      throw new MoatException(Failure.INVALID_INPUT, source + " is not a usable kubeconfig", "give a kubeconfig with a current-context, cluster and user");
    }
    if (config.getCurrentContext() == null || config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new MoatException(Failure.INVALID_INPUT, source + " has no current-context with an API server",
          "give a kubeconfig whose current-context names a cluster with a server");
    }
    return new ClusterAccess(() -> new KubernetesClientBuilder().withConfig(config).build());
  }

  /**
   * A ServiceAccount's credentials as a pod has them (KUBERNETES_SERVICE_HOST/PORT, the token and ca.crt under
   * /var/run/secrets/kubernetes.io/serviceaccount), read by the caller from wherever that pod's files are.
   */
  public static ClusterAccess fromServiceAccount(String host, String port, String token, String caPem, String namespace) throws MoatException {
    if (host == null || host.isBlank() || token == null || token.isBlank()) {
      throw new MoatException(Failure.INVALID_INPUT, "no in-cluster ServiceAccount: KUBERNETES_SERVICE_HOST or the token is missing",
          "run in a pod with a ServiceAccount token, or give a kubeconfig");
    }
    String authority = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl("https://" + authority + ":" + (port == null || port.isBlank() ? "443" : port.trim()))
        .withOauthToken(token.trim());
    if (caPem != null && !caPem.isBlank()) {
      builder.withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)));
    }
    if (namespace != null && !namespace.isBlank()) {
      builder.withNamespace(namespace.trim());
    }
    Config config = builder.build();
    return new ClusterAccess(() -> new KubernetesClientBuilder().withConfig(config).build());
  }

  /** A new client; the caller closes it. */
  public KubernetesClient client() {
    return clients.get();
  }
}
