package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyCatalog;
import dev.moat.decoy.DecoyConfig;
import dev.moat.decoy.DecoyConfigReader;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoySpec;
import dev.moat.whitelist.ExportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Deploy decoys to Kubernetes: one given by its type and names, or every decoy of a {@code decoys.yaml}. What
 * {@code moat decoy deploy}, the Jenkins step, the Tekton task and the action run.
 *
 * @param decoys what to deploy, at least one
 * @param dryRun print the objects instead of applying them
 */
public record DeployDecoysRequest(List<DecoyDeployment> decoys, boolean dryRun) {

  /** The image the decoy pods run when none is given. */
  public static final String DEFAULT_IMAGE = "ghcr.io/moat-dev/moat:0.1.0";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

  public DeployDecoysRequest {
    decoys = List.copyOf(decoys);
  }

  /**
   * Parameters: type, or config (a {@code decoys.yaml} of catalogue decoys; their names, Services, namespaces,
   * ports, labels and replicas come from it); for a type: name (default: the type), service (default: the name),
   * port (the Service port; default: the type's usual port), replicas (default 1). For both: namespace (default
   * {@code default}; for config, of the decoys that name none), labels (key=value items, added to every decoy),
   * image, alert-egress (host:port of the alert sink), kubernetes-events, dry-run.
   */
  public static DeployDecoysRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    String type = p.optional("type", "").trim();
    String config = p.optional("config", "").trim();
    if (type.isEmpty() == config.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "give either a decoy type or a decoys.yaml config, not both and not neither",
          "name a catalogue type (redis, docker-api, …) with its name and namespace, or a decoys.yaml");
    }
    String namespace = checkedName("namespace", p.optional("namespace", "default").trim());
    Map<String, String> labels = p.map("labels");
    ExportOptions.checked(labels, namespace, null);
    String egress = p.optional("alert-egress", null);
    if (egress != null && !HOST_PORT.matcher(egress.trim()).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, "alert-egress '" + egress + "' is not host:port", "give the alert sink's address, e.g. falcosidekick.falco:2801");
    }
    Shared shared = new Shared(labels, p.optional("image", DEFAULT_IMAGE).trim(), egress == null ? null : egress.trim(), p.flag("kubernetes-events"));
    List<DecoyDeployment> decoys = type.isEmpty() ? fromConfig(Path.of(config), namespace, p, shared) : List.of(single(type, namespace, p, shared));
    return new DeployDecoysRequest(decoys, p.flag("dry-run"));
  }

  /** What applies to every decoy of the request. */
  private record Shared(Map<String, String> labels, String image, String alertEgress, boolean kubernetesEvents) {}

  private static DecoyDeployment single(String type, String namespace, Parameters p, Shared shared) throws MoatException {
    checkedName("type", type);
    String name = checkedName("name", p.optional("name", type).trim());
    String service = checkedName("service", p.optional("service", name).trim());
    String portText = p.optional("port", null);
    int port = portText == null ? DecoyPorts.usual(type) : number("port", portText, 1, 65535);
    int replicas = number("replicas", p.optional("replicas", "1"), 1, 100);
    return new DecoyDeployment(name, type, service, namespace, port, shared.labels(), replicas, shared.image(), shared.alertEgress(),
        shared.kubernetesEvents());
  }

  private static List<DecoyDeployment> fromConfig(Path file, String namespace, Parameters p, Shared shared) throws MoatException {
    for (String single : new String[] {"name", "service", "port", "replicas"}) {
      if (!p.optional(single, "").isEmpty()) {
        throw new MoatException(Failure.INVALID_INPUT, single + " describes a single decoy and cannot be given with a config",
            "set " + single + " per decoy in " + file.getFileName());
      }
    }
    DecoyCatalog catalog = DecoyCatalog.builtIn();
    DecoyConfig config = new DecoyConfigReader(catalog).read(file);
    List<DecoyDeployment> decoys = new ArrayList<>();
    for (DecoySpec spec : config.decoys()) {
      if (catalog.find(spec.type()).isEmpty()) {
        throw new MoatException(Failure.INVALID_INPUT, file.getFileName() + ": decoy '" + spec.name() + "' is a custom " + spec.type()
            + " decoy, which cannot be deployed yet", "deploy catalogue types (moat decoy catalog); serve custom decoys with moat decoy serve --config");
      }
      String at = file.getFileName() + ": decoy '" + spec.name() + "': ";
      String name = checkedName(at + "name", spec.name());
      String service = checkedName(at + "service", spec.service() == null ? name : spec.service());
      String ns = spec.namespace() == null ? namespace : checkedName(at + "namespace", spec.namespace());
      Map<String, String> labels = new LinkedHashMap<>(spec.labels());
      labels.putAll(shared.labels());
      ExportOptions.checked(labels, ns, null);
      decoys.add(new DecoyDeployment(name, spec.type(), service, ns, spec.port(), labels, spec.replicas(), shared.image(), shared.alertEgress(),
          shared.kubernetesEvents()));
    }
    if (decoys.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, file.getFileName() + " lists no decoys", "add decoys under 'decoys:'");
    }
    return decoys;
  }

  /** A name that becomes a Kubernetes object or namespace name: a DNS label starting with a letter. */
  static String checkedName(String what, String value) throws MoatException {
    if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, what + " '" + value + "' is not a valid Kubernetes name",
          "use at most 63 lower-case letters, digits and '-', starting with a letter");
    }
    return value;
  }

  private static int number(String name, String text, int min, int max) throws MoatException {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MoatException(Failure.INVALID_INPUT, name + " '" + text + "' is not a number from " + min + " to " + max, "");
  }
}
