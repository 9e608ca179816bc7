package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
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
      List.of(Deployment.class, Service.class, NetworkPolicy.class, RoleBinding.class, Role.class, ServiceAccount.class, ConfigMap.class,
          io.fabric8.kubernetes.api.model.Secret.class);

  private final Supplier<KubernetesClient> clients;

  public RemoveDecoysStage(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  public StageResult run(RemoveDecoysRequest request, StageListener listener) throws MoatException {
    List<String> removed = new ArrayList<>();
    int objects = 0;
    StringBuilder rows = new StringBuilder();
    try (KubernetesClient client = clients.get()) {
      ManifestApplier applier = new ManifestApplier(client);
      for (RemoveDecoysRequest.Target decoy : request.decoys()) {
        List<String> deleted = applier.delete(decoy.namespace(),
            Map.of(DecoyDeployment.PART_OF, "moat", DecoyDeployment.NAME_LABEL, decoy.name()), KINDS);
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
