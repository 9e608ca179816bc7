package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoyManifests;
import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The deploy-decoys stage: render each decoy's objects and server-side apply them, or with a dry run return them
 * as YAML. The Kubernetes client comes from the caller (kubeconfig, in-cluster ServiceAccount, a test server).
 */
public final class DeployDecoysStage {

  private final Supplier<KubernetesClient> clients;

  public DeployDecoysStage(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  /** The objects as one multi-document YAML stream, what {@code --dry-run} prints. */
  public static String yaml(List<HasMetadata> objects) {
    StringBuilder out = new StringBuilder();
    for (HasMetadata object : objects) {
      String doc = Serialization.asYaml(object);
      out.append(doc.startsWith("---") ? doc : "---\n" + doc);
    }
    return out.toString();
  }

  public StageResult run(DeployDecoysRequest request, StageListener listener) throws MoatException {
    List<HasMetadata> objects = new ArrayList<>();
    for (DecoyDeployment decoy : request.decoys()) {
      objects.addAll(DecoyManifests.render(decoy));
    }
    List<String> names = request.decoys().stream().map(DecoyDeployment::name).toList();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("DEPLOYED", String.join(",", names));
    outputs.put("DEPLOYED_COUNT", Integer.toString(names.size()));
    outputs.put("SERVICES", String.join(",", request.decoys().stream().map(d -> d.serviceName() + "." + d.namespace() + ":" + d.port()).toList()));
    if (request.dryRun()) {
      outputs.put("MANIFESTS", yaml(objects));
      return StageResult.pass("Rendered " + objects.size() + " objects for " + describe(names) + " (dry run)", outputs, "");
    }
    StringBuilder summary = new StringBuilder("### Moat: ").append(names.size() == 1 ? "decoy" : "decoys")
        .append(" deployed\n\n| decoy | type | Service | namespace | port |\n|---|---|---|---|---|\n");
    try (KubernetesClient client = clients.get()) {
      ManifestApplier applier = new ManifestApplier(client);
      for (DecoyDeployment decoy : request.decoys()) {
        applier.apply(DecoyManifests.render(decoy)).forEach(a -> listener.info("  applied " + a));
        summary.append("| ").append(decoy.name()).append(" | ").append(decoy.type()).append(" | ").append(decoy.serviceName()).append(" | ")
            .append(decoy.namespace()).append(" | ").append(decoy.port()).append(" |\n");
      }
    }
    String message = request.decoys().size() == 1
        ? "Deployed decoy " + names.get(0) + " (" + request.decoys().get(0).type() + ") as Service " + outputs.get("SERVICES")
        : "Deployed " + describe(names) + " as Services " + outputs.get("SERVICES").replace(",", ", ");
    return StageResult.pass(message, outputs, summary.toString());
  }

  /** "decoy a" or "3 decoys (a, b, c)". */
  static String describe(List<String> names) {
    return names.size() == 1 ? "decoy " + names.get(0) : names.size() + " decoys (" + String.join(", ", names) + ")";
  }
}
