package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyCatalog;
import dev.moat.decoy.DecoyConfig;
import dev.moat.decoy.DecoyConfigReader;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.DecoySecretFiles;
import dev.moat.decoy.DecoySpec;
import dev.moat.whitelist.ExportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Deploy decoys to Kubernetes — one named on the command line, or every decoy of a {@code decoys.yaml}: what
 * {@code moat decoy deploy}, the Jenkins step, the Tekton task and the action run.
 *
 * @param decoys what to deploy, at least one
 * @param dryRun print the objects instead of applying them
 */
public record DeployDecoysRequest(List<DecoyDeployment> decoys, boolean dryRun) {

  public DeployDecoysRequest {
    decoys = List.copyOf(decoys);
    if (decoys.isEmpty()) {
      throw new IllegalArgumentException("no decoys");
    }
  }

  public DeployDecoysRequest(DecoyDeployment decoy, boolean dryRun) {
    this(List.of(decoy), dryRun);
  }

  /** The first (for a single-decoy deploy, the only) decoy. */
  public DecoyDeployment decoy() {
    return decoys.get(0);
  }

  /** The image the decoy pods run when none is given. */
  public static final String DEFAULT_IMAGE = "ghcr.io/moat-dev/moat:0.1.0";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

  /**
   * Parameters: type, name (default: the type), service (default: the name), namespace (default {@code default}),
   * port (the Service port; default: the type's usual port), replicas (default 1), labels (key=value items), image,
   * alert-egress (host:port of the alert sink), kubernetes-events, dry-run. Or config (a decoys.yaml) instead of
   * type, name, service, port and replicas: every decoy in it, each with its own name, Service, port, replicas and
   * labels, in its own namespace or the namespace parameter's.
   */
  public static DeployDecoysRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    String config = p.optional("config", null);
    if (config != null) {
      return fromConfig(p, Path.of(config.trim()));
    }
    String type = p.optional("type", null);
    if (type == null) {
      throw new MoatException(Failure.INVALID_INPUT, "no decoy given", "name a catalogue type (--decoy redis) or a decoys.yaml (--config)");
    }
    type = type.trim();
    String name = p.optional("name", type).trim();
    String service = p.optional("service", name).trim();
    String namespace = p.optional("namespace", "default").trim();
    for (String[] check : new String[][] {{"type", type}, {"name", name}, {"service", service}, {"namespace", namespace}}) {
      if (check[1].length() > 63 || !DNS_LABEL.matcher(check[1]).matches()) {
        throw new MoatException(Failure.INVALID_INPUT, check[0] + " '" + check[1] + "' is not a valid Kubernetes name",
            "use at most 63 lower-case letters, digits and '-', starting with a letter");
      }
    }
    if (DecoyCatalog.builtIn().find(type).isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "no decoy type '" + type + "' in the catalogue",
          "run 'moat decoy catalog' for the types; generic http and tcp-banner decoys deploy from a decoys.yaml (--config)");
    }
    String portText = p.optional("port", null);
    int port = portText == null ? DecoyPorts.usual(type) : number("port", portText, 1, 65535);
    int replicas = number("replicas", p.optional("replicas", "1"), 1, 100);
    Map<String, String> labels = p.map("labels");
    ExportOptions.checked(labels, namespace, null);
    DecoyDeployment decoy = new DecoyDeployment(name, type, service, namespace, port, labels, replicas,
        p.optional("image", DEFAULT_IMAGE).trim(), egress(p), p.flag("kubernetes-events"));
    return new DeployDecoysRequest(decoy, p.flag("dry-run"));
  }

  private static DeployDecoysRequest fromConfig(Parameters p, Path file) throws MoatException {
    for (String single : List.of("type", "name", "service", "port", "replicas")) {
      if (p.optional(single, null) != null) {
        throw new MoatException(Failure.INVALID_INPUT, single + " and config are both given", "name the decoys in the decoys.yaml, or give one decoy without config");
      }
    }
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).read(file);
    String defaultNamespace = p.optional("namespace", "default").trim();
    Map<String, String> extraLabels = p.map("labels");
    String egress = egress(p);
    String image = p.optional("image", DEFAULT_IMAGE).trim();
    List<DecoyDeployment> decoys = new ArrayList<>();
    for (DecoySpec spec : config.decoys()) {
      String namespace = spec.namespace() != null ? spec.namespace() : defaultNamespace;
      Map<String, String> labels = new TreeMap<>(spec.labels());
      labels.putAll(extraLabels);
      ExportOptions.checked(labels, namespace, null);
      decoys.add(new DecoyDeployment(spec.name(), spec.type(), spec.service(), namespace, spec.port(), labels, spec.replicas(), image, egress,
          p.flag("kubernetes-events"), spec.definition(), secretFiles(spec, file)));
    }
    return new DeployDecoysRequest(decoys, p.flag("dry-run"));
  }

  /** The operator's TLS and host key files a decoy names: read here, shipped in a Secret (a pod cannot read this machine's files). */
  private static DecoySecretFiles secretFiles(DecoySpec spec, Path config) throws MoatException {
    try {
      return DecoySecretFiles.of(spec);
    } catch (java.io.IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "decoy " + spec.name() + " in " + config + ": cannot read " + e.getMessage(),
          "check the files named by tls and hostKey");
    }
  }

  private static String egress(Parameters p) throws MoatException {
    String egress = p.optional("alert-egress", null);
    if (egress != null && !HOST_PORT.matcher(egress.trim()).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, "alert-egress '" + egress + "' is not host:port", "give the alert sink's address, e.g. falcosidekick.falco:2801");
    }
    return egress == null ? null : egress.trim();
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
