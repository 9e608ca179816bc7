package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoyManifests;
import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The remove-decoys stage: deletes every object of each decoy (Deployment, Service, NetworkPolicy, RoleBinding,
 * Role, ServiceAccount, the ConfigMap of a custom decoy, the Secret with its TLS or host key files) carrying {@code app.kubernetes.io/part-of: moat} and its
 * {@code moat.dev/decoy-name}. A decoy with nothing left is NOT_FOUND unless the request ignores missing ones. The
 * client comes from the caller.
 */
public final class RemoveDecoysStage {

  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(Deployment.class, Service.class, NetworkPolicy.class, RoleBinding.class, Role.class, ServiceAccount.class, ConfigMap.class);

  private final Supplier<KubernetesClient> clients;

  public RemoveDecoysStage(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  /**
   * Whether the decoy's Deployment mounts the Secret with its TLS or host key files. Secrets are deleted by name and
   * only then, so removing decoys never needs the right to list (and so read) a namespace's Secrets, and a decoy
   * without files needs no right on Secrets at all.
   */
  private static boolean mountsItsSecret(KubernetesClient client, RemoveDecoysRequest.Target decoy) throws MoatException {
    try {
      Deployment d = client.apps().deployments().inNamespace(decoy.namespace()).withName(decoy.name()).get();
      String secret = DecoyManifests.secretName(decoy.name());
      return d != null && d.getSpec() != null && d.getSpec().getTemplate().getSpec().getVolumes() != null
          && d.getSpec().getTemplate().getSpec().getVolumes().stream().anyMatch(v -> v.getSecret() != null && secret.equals(v.getSecret().getSecretName()));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw dev.moat.kube.KubernetesFailure.of("read Deployment " + decoy.name(), e);
    }
  }

  private static List<String> deleteSecret(KubernetesClient client, RemoveDecoysRequest.Target decoy) throws MoatException {
    String name = DecoyManifests.secretName(decoy.name());
    try {
      return client.secrets().inNamespace(decoy.namespace()).withName(name).delete().isEmpty() ? List.of() : List.of("Secret/" + name);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw dev.moat.kube.KubernetesFailure.of("delete Secret " + name, e);
    }
  }

  public StageResult run(RemoveDecoysRequest request, StageListener listener) throws MoatException {
    List<String> removed = new ArrayList<>();
    int objects = 0;
    StringBuilder rows = new StringBuilder();
    try (KubernetesClient client = clients.get()) {
      ManifestApplier applier = new ManifestApplier(client);
      for (RemoveDecoysRequest.Target decoy : request.decoys()) {
        boolean secret = mountsItsSecret(client, decoy);
        List<String> deleted = new ArrayList<>(applier.delete(decoy.namespace(),
            Map.of(DecoyDeployment.PART_OF, "moat", DecoyDeployment.NAME_LABEL, decoy.name()), KINDS));
        if (secret) {
          deleted.addAll(deleteSecret(client, decoy));
        }
        if (deleted.isEmpty()) {
          if (!request.ignoreMissing()) {
            throw new MoatException(Failure.NOT_FOUND, "no decoy named " + decoy.name() + " in namespace " + decoy.namespace(), "see `moat decoy list`");
          }
          listener.info("  no decoy named " + decoy.name() + " in namespace " + decoy.namespace() + " (skipped)");
          continue;
        }
        deleted.forEach(d -> listener.info("  deleted " + d));
        removed.add(decoy.name());
        objects += deleted.size();
        rows.append("| ").append(decoy.name()).append(" | ").append(decoy.namespace()).append(" | ").append(deleted.size()).append(" |\n");
      }
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("REMOVED", String.join(",", removed));
    outputs.put("REMOVED_COUNT", Integer.toString(removed.size()));
    outputs.put("DELETED_OBJECTS", Integer.toString(objects));
    String summary = "### Moat: decoys removed\n\n" + (removed.isEmpty() ? "Nothing to remove.\n"
        : "| decoy | namespace | objects deleted |\n|---|---|---|\n" + rows);
    String which = removed.size() == 1 ? "decoy " + removed.get(0) : removed.size() + " decoys (" + String.join(", ", removed) + ")";
    String message = removed.isEmpty() ? "No decoy to remove" : "Removed " + which + " (" + objects + " objects)";
    return StageResult.pass(message, outputs, summary);
  }
}
