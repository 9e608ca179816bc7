package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyCatalog;
import dev.moat.decoy.DecoyConfigReader;
import dev.moat.decoy.DecoySpec;
import dev.moat.kube.KubernetesNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Remove deployed decoys — each one's Deployment, Service, NetworkPolicy and RBAC, found by Moat's labels: what
 * {@code moat decoy remove}, the Jenkins step, the Tekton task and the action run.
 *
 * @param decoys which decoys, by name and namespace; at least one
 * @param ignoreMissing a decoy that is not there is skipped instead of failing the stage (pipeline clean-up)
 */
public record RemoveDecoysRequest(List<Target> decoys, boolean ignoreMissing) {

  /** One decoy to remove. */
  public record Target(String name, String namespace) {}

  public RemoveDecoysRequest {
    decoys = List.copyOf(decoys);
  }

  /**
   * Parameters: name (one or more decoy names, separated by commas or newlines) or config (the {@code decoys.yaml}
   * they were deployed from: every decoy in it); namespace (default {@code default}; for config, of the decoys that
   * name none); ignore-missing.
   */
  public static RemoveDecoysRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    List<String> names = p.list("name");
    String config = p.optional("config", "").trim();
    if (names.isEmpty() == config.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "give either decoy names or a decoys.yaml config, not both and not neither",
          "name the decoys to remove, or the decoys.yaml they were deployed from");
    }
    String namespace = KubernetesNames.label("namespace", p.optional("namespace", "default").trim(), 63);
    List<Target> targets = new ArrayList<>();
    if (config.isEmpty()) {
      for (String name : names) {
        targets.add(new Target(KubernetesNames.label("name", name, 63), namespace));
      }
    } else {
      for (DecoySpec spec : new DecoyConfigReader(DecoyCatalog.builtIn()).read(Path.of(config)).decoys()) {
        targets.add(new Target(spec.name(), spec.namespace() == null ? namespace : spec.namespace()));
      }
    }
    return new RemoveDecoysRequest(targets, p.flag("ignore-missing"));
  }
}
