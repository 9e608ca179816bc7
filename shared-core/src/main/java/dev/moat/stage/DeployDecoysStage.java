package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoyManifests;
import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
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

  /**
   * A dry run prints no key material: a Secret's data is replaced by a note naming each file, which deploy reads at
   * apply time. (So a printed Secret is not one to apply by hand: create it from the files with kubectl instead.)
   */
  static HasMetadata withoutSecretData(HasMetadata object) {
    if (!(object instanceof Secret secret) || secret.getData() == null) {
      return object;
    }
    Map<String, String> notes = new LinkedHashMap<>();
    secret.getData().keySet().forEach(k -> notes.put(k, "(not printed: moat decoy deploy puts the file's content here)"));
    return new SecretBuilder(secret).withData(null).withStringData(notes).build();
  }

  public StageResult run(DeployDecoysRequest request, StageListener listener) throws MoatException {
    List<HasMetadata> objects = new ArrayList<>();
    StringBuilder table = new StringBuilder("| decoy | type | Service | namespace | port |\n|---|---|---|---|---|\n");
    List<String> names = new ArrayList<>();
    for (DecoyDeployment decoy : request.decoys()) {
      objects.addAll(DecoyManifests.render(decoy));
      names.add(decoy.name());
      table.append("| ").append(decoy.name()).append(" | ").append(decoy.type()).append(" | ").append(decoy.serviceName()).append(" | ")
          .append(decoy.namespace()).append(" | ").append(decoy.port()).append(" |\n");
    }
    DecoyDeployment first = request.decoy();
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("DECOY_NAME", first.name());
    outputs.put("SERVICE", first.serviceName() + "." + first.namespace());
    outputs.put("PORT", Integer.toString(first.port()));
    outputs.put("DECOYS", String.join(",", names));
    outputs.put("DECOY_COUNT", Integer.toString(names.size()));
    String what = names.size() == 1 ? "decoy " + first.name() : names.size() + " decoys (" + String.join(", ", names) + ")";
    if (request.dryRun()) {
      outputs.put("MANIFESTS", yaml(objects.stream().map(DeployDecoysStage::withoutSecretData).toList()));
      return StageResult.pass("Rendered " + objects.size() + " objects for " + what + " (dry run)", outputs, "");
    }
    List<String> applied;
    try (KubernetesClient client = clients.get()) {
      applied = new ManifestApplier(client).apply(objects);
    }
    applied.forEach(a -> listener.info("  applied " + a));
    String summary = "### Moat: " + (names.size() == 1 ? "decoy" : "decoys") + " deployed\n\n" + table;
    String headline = names.size() == 1
        ? "Deployed decoy " + first.name() + " (" + first.type() + ") as Service " + first.serviceName() + "." + first.namespace() + ":" + first.port()
        : "Deployed " + what;
    return StageResult.pass(headline, outputs, summary);
  }
}
