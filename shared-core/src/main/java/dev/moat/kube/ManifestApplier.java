package dev.moat.kube;

import dev.moat.MoatException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies rendered objects with server-side apply (field manager {@code moat}), finds Moat's objects by label and
 * deletes them. The client comes from the caller: a kubeconfig, the in-cluster ServiceAccount, or a test server.
 */
public final class ManifestApplier {

  public static final String FIELD_MANAGER = "moat";

  private final KubernetesClient client;

  public ManifestApplier(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Server-side applies each object, forcing conflicts (Moat owns these objects); returns {@code Kind/name} of each.
   * A server that does not know server-side apply gets a create-or-update instead, and the returned line says so:
   * it answers 415 for an object that exists, and 404 for one that does not (a real API server creates on apply,
   * and answers 404 only when the namespace is missing — the create then fails with that).
   */
  public List<String> apply(List<HasMetadata> objects) throws MoatException {
    List<String> applied = new ArrayList<>();
    for (HasMetadata object : objects) {
      try {
        client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        applied.add(describe(object));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 415 && e.getCode() != 404) {
          throw failure("apply " + describe(object), e);
        }
        try {
          client.resource(object).unlock().createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        } catch (KubernetesClientException fallback) {
          throw failure("create or update " + describe(object), fallback);
        }
        applied.add(describe(object) + " (created or updated: the API server has no server-side apply)");
      }
    }
    return applied;
  }

  /** The Deployments in {@code namespace} (every namespace when null) carrying all of {@code labels}. */
  public List<Deployment> deployments(String namespace, Map<String, String> labels) throws MoatException {
    try {
      return namespace == null
          ? client.apps().deployments().inAnyNamespace().withLabels(labels).list().getItems()
          : client.apps().deployments().inNamespace(namespace).withLabels(labels).list().getItems();
    } catch (KubernetesClientException e) {
      throw failure("list deployments", e);
    }
  }

  /** Deletes every object of the kinds given in {@code namespace} carrying all of {@code labels}; returns what it deleted. */
  public List<String> delete(String namespace, Map<String, String> labels, List<Class<? extends HasMetadata>> kinds) throws MoatException {
    List<String> deleted = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : kinds) {
      try {
        for (HasMetadata object : client.resources(kind).inNamespace(namespace).withLabels(labels).list().getItems()) {
          client.resource(object).delete();
          deleted.add(describe(object));
        }
      } catch (KubernetesClientException e) {
        throw failure("delete " + kind.getSimpleName() + " objects", e);
      }
    }
    return deleted;
  }

  private static String describe(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }

  private static MoatException failure(String what, KubernetesClientException e) {
    return KubernetesFailure.of(what, e);
  }
}
