package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoyManifests;
import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The deploy-decoys stage: render the decoy's objects and server-side apply them, or with a dry run return them
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
    DecoyDeployment decoy = request.decoy();
    List<HasMetadata> objects = DecoyManifests.render(decoy);
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("DECOY_NAME", decoy.name());
    outputs.put("SERVICE", decoy.serviceName() + "." + decoy.namespace());
    outputs.put("PORT", Integer.toString(decoy.port()));
    outputs.put("DECOYS", decoy.name());
    outputs.put("DECOY_COUNT", "1");
    if (request.dryRun()) {
      outputs.put("MANIFESTS", yaml(objects));
      return StageResult.pass("Rendered " + objects.size() + " objects for decoy " + decoy.name() + " (dry run)", outputs, "");
    }
    List<String> applied;
    try (KubernetesClient client = clients.get()) {
      applied = new ManifestApplier(client).apply(objects);
    }
    applied.forEach(a -> listener.info("  applied " + a));
    String summary = "### Moat: decoy deployed\n\n| decoy | type | Service | namespace | port |\n|---|---|---|---|---|\n| " + decoy.name() + " | "
        + decoy.type() + " | " + decoy.serviceName() + " | " + decoy.namespace() + " | " + decoy.port() + " |\n";
    return StageResult.pass("Deployed decoy " + decoy.name() + " (" + decoy.type() + ") as Service " + decoy.serviceName() + "."
        + decoy.namespace() + ":" + decoy.port(), outputs, summary);
  }
}
