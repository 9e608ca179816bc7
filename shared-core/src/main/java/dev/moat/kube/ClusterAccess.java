package dev.moat.kube;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
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

  /**
   * A kubeconfig given as text; {@code source} names it in errors (a credential id, an input). It must be
   * self-contained: a text kubeconfig may come from a less trusted place (a Jenkins agent's file) than the process
   * that reads it, so exec and auth-provider plugins (commands this process would run) and file references
   * (tokenFile, client-certificate, client-key, certificate-authority: files of this machine that would be read and,
   * for a token, sent to the server the kubeconfig names) are refused.
   */
  public static ClusterAccess fromKubeconfig(String source, String kubeconfig) throws MoatException {
    selfContained(source, kubeconfig);
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

  private static void selfContained(String source, String kubeconfig) throws MoatException {
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = Serialization.unmarshal(kubeconfig, io.fabric8.kubernetes.api.model.Config.class);
    } catch (RuntimeException e) {
      parsed = null;
    }
    if (parsed == null) {
      throw new MoatException(Failure.INVALID_INPUT, source + " is not a usable kubeconfig", "give a kubeconfig with a current-context, cluster and user");
    }
    for (NamedAuthInfo user : parsed.getUsers() == null ? List.<NamedAuthInfo>of() : parsed.getUsers()) {
      AuthInfo auth = user.getUser();
      if (auth != null && (auth.getExec() != null || auth.getAuthProvider() != null)) {
        throw new MoatException(Failure.INVALID_INPUT, source + ": user '" + user.getName() + "' authenticates through an exec or auth-provider plugin,"
            + " which Moat does not run", "give a kubeconfig with a token or a client certificate inline");
      }
      if (auth != null && (auth.getTokenFile() != null || auth.getClientCertificate() != null || auth.getClientKey() != null)) {
        throw new MoatException(Failure.INVALID_INPUT, source + ": user '" + user.getName() + "' refers to files (tokenFile, client-certificate,"
            + " client-key)", "inline them: token, client-certificate-data, client-key-data");
      }
    }
    for (NamedCluster cluster : parsed.getClusters() == null ? List.<NamedCluster>of() : parsed.getClusters()) {
      if (cluster.getCluster() != null && cluster.getCluster().getCertificateAuthority() != null) {
        throw new MoatException(Failure.INVALID_INPUT, source + ": cluster '" + cluster.getName() + "' refers to a certificate-authority file",
            "inline it as certificate-authority-data");
      }
    }
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
