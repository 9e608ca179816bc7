package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where and to what an exported policy applies.
 *
 * @param selector pod labels the policy selects (KubeArmor, Tetragon); empty: every pod of the namespace
 * @param namespace the namespace of namespaced policies; null: the exporter's default ({@code default})
 * @param name the policy name; null: derived from the image repository and digest
 * @param rootPrefix fapolicyd: where the image's root filesystem is on the host ({@code /var/lib/app/rootfs});
 *     null: {@code /}, the image is the host's root
 */
public record ExportOptions(Map<String, String> selector, String namespace, String name, String rootPrefix) {

  public ExportOptions {
    selector = java.util.Collections.unmodifiableMap(new TreeMap<>(selector));
  }

  public ExportOptions(Map<String, String> selector, String namespace, String name) {
    this(selector, namespace, name, null);
  }

  public static ExportOptions defaults() {
    return new ExportOptions(Map.of(), null, null, null);
  }

  public ExportOptions withRootPrefix(String value) {
    return new ExportOptions(selector, namespace, name, value);
  }

  /**
   * Options whose selector, namespace and name are checked against Kubernetes' naming rules now, so a wrapper
   * reports a bad value before a long learn rather than at export.
   */
  public static ExportOptions checked(Map<String, String> selector, String namespace, String name) throws MoatException {
    ExportOptions options = new ExportOptions(selector, namespace, name);
    KubernetesTarget.check(options);
    return options;
  }

  /**
   * Parses {@code k=v[,k2=v2]} (what {@code --selector} takes, repeatable) into labels; the labels themselves are
   * checked against Kubernetes' rules when a policy is exported.
   */
  public static Map<String, String> parseSelector(Iterable<String> values) throws MoatException {
    Map<String, String> labels = new TreeMap<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new MoatException(Failure.INVALID_INPUT, "selector '" + part + "' is not key=value", "write --selector app=web (pod labels)");
        }
        labels.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    return labels;
  }

  /**
   * Why these options are risky for {@code format}, or null: a KubeArmor or Tetragon policy without a pod selector
   * applies to every pod of its namespace, whatever image it runs, and would refuse their executables too.
   */
  public String riskFor(ExportFormat format) {
    if ((format == ExportFormat.KUBEARMOR || format == ExportFormat.TETRAGON) && selector.isEmpty()) {
      return "the " + format.cliName() + " policy has no pod selector, so it applies to every pod of namespace "
          + (namespace == null ? "default" : namespace) + ", not just this image's: give --selector (the pod labels of the workload)";
    }
    return null;
  }
}
