package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.whitelist.ExportOptions;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Deploy one decoy to Kubernetes: what {@code moat decoy deploy}, the Jenkins step, the Tekton task and the action
 * run.
 *
 * @param decoy what to deploy
 * @param dryRun print the objects instead of applying them
 */
public record DeployDecoysRequest(DecoyDeployment decoy, boolean dryRun) {

  /** The image the decoy pods run when none is given. */
  public static final String DEFAULT_IMAGE = "ghcr.io/moat-dev/moat:0.1.0";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

  /**
   * Parameters: type, name (default: the type), service (default: the name), namespace (default {@code default}),
   * port (the Service port; default: the type's usual port), replicas (default 1), labels (key=value items), image,
   * alert-egress (host:port of the alert sink), kubernetes-events, dry-run.
   */
  public static DeployDecoysRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    String type = p.required("type").trim();
    String name = p.optional("name", type).trim();
    String service = p.optional("service", name).trim();
    String namespace = p.optional("namespace", "default").trim();
    for (String[] check : new String[][] {{"type", type}, {"name", name}, {"service", service}, {"namespace", namespace}}) {
      if (check[1].length() > 63 || !DNS_LABEL.matcher(check[1]).matches()) {
        throw new MoatException(Failure.INVALID_INPUT, check[0] + " '" + check[1] + "' is not a valid Kubernetes name",
            "use at most 63 lower-case letters, digits and '-', starting with a letter");
      }
    }
    String portText = p.optional("port", null);
    int port = portText == null ? DecoyPorts.usual(type) : number("port", portText, 1, 65535);
    int replicas = number("replicas", p.optional("replicas", "1"), 1, 100);
    Map<String, String> labels = p.map("labels");
    ExportOptions.checked(labels, namespace, null);
    String egress = p.optional("alert-egress", null);
    if (egress != null && !HOST_PORT.matcher(egress.trim()).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, "alert-egress '" + egress + "' is not host:port", "give the alert sink's address, e.g. falcosidekick.falco:2801");
    }
    DecoyDeployment decoy = new DecoyDeployment(name, type, service, namespace, port, labels, replicas,
        p.optional("image", DEFAULT_IMAGE).trim(), egress == null ? null : egress.trim(), p.flag("kubernetes-events"));
    return new DeployDecoysRequest(decoy, p.flag("dry-run"));
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
