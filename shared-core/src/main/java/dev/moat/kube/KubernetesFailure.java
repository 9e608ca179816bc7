package dev.moat.kube;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns a fabric8 {@link KubernetesClientException} into one {@link MoatException} that says what failed and what to check. */
public final class KubernetesFailure {

  private KubernetesFailure() {}

  /**
   * @param what what Moat tried, as a verb phrase ("list services in namespace prod")
   * @param e what the client threw
   */
  public static MoatException of(String what, KubernetesClientException e) {
    int code = e.getCode();
    if (code == 401 || code == 403) {
      return new MoatException(Failure.AUTHENTICATION, "the Kubernetes API refused to " + what + " (HTTP " + code + ")",
          "check the kubeconfig context or the ServiceAccount's RBAC", e);
    }
    if (code == 404) {
      return new MoatException(Failure.NOT_FOUND, "the Kubernetes API cannot " + what + ": " + e.getMessage(),
          "check that the namespace exists (kubectl create namespace …)", e);
    }
    if (code <= 0) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return new MoatException(Failure.UNREACHABLE, "cannot reach the Kubernetes API to " + what + " ("
          + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()) + ")",
          "check KUBECONFIG, the current context, or that the pod runs in a cluster", e);
    }
    return new MoatException(Failure.PROTOCOL, "the Kubernetes API failed to " + what + " (HTTP " + code + "): " + e.getMessage(), "", e);
  }
}
