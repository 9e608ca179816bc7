package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The name, namespace and pod labels of an exported Kubernetes policy, checked against Kubernetes' rules
 * (DNS-1123 subdomain names, DNS-1123 label namespaces, qualified label keys and label values).
 */
record KubernetesTarget(String name, String namespace, Map<String, String> labels) {

  static final String DEFAULT_NAMESPACE = "default";
  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  static KubernetesTarget of(Whitelist whitelist, ExportOptions options) throws MoatException {
    check(options);
    String name = options.name() == null ? derivedName(whitelist.image()) : options.name();
    return new KubernetesTarget(name, options.namespace() == null ? DEFAULT_NAMESPACE : options.namespace(), options.selector());
  }

  /** Checks the parts given; a null name or namespace is the exporter's default, always valid. */
  static void check(ExportOptions options) throws MoatException {
    String name = options.name();
    if (name != null && (name.length() > 253 || !SUBDOMAIN.matcher(name).matches())) {
      throw new MoatException(Failure.INVALID_INPUT, "policy name '" + name + "' is not a valid Kubernetes name",
          "use lower-case letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit");
    }
    String namespace = options.namespace();
    if (namespace != null && (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches())) {
      throw new MoatException(Failure.INVALID_INPUT, "namespace '" + namespace + "' is not a valid Kubernetes namespace",
          "use lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit");
    }
    for (Map.Entry<String, String> label : options.selector().entrySet()) {
      checkLabel(label.getKey(), label.getValue());
    }
  }

  /** {@code moat-<last repository component>-<12 hex of the digest>}, a valid DNS-1123 label. */
  static String derivedName(Whitelist.ImageInfo image) {
    String repository = image.repository();
    String last = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    last = last.replaceAll("^-+|-+$", "");
    String digest = image.digest();
    String hex = digest.substring(digest.indexOf(':') + 1);
    hex = hex.substring(0, Math.min(12, hex.length())).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String base = last.isEmpty() ? "image" : last;
    int room = 63 - "moat-".length() - 1 - hex.length();
    if (base.length() > room) {
      base = base.substring(0, room).replaceAll("-+$", "");
    }
    return "moat-" + base + "-" + hex;
  }

  private static void checkLabel(String key, String value) throws MoatException {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches()) {
        throw invalidLabel(key, value);
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      throw invalidLabel(key, value);
    }
    if (value.length() > 63 || !(value.isEmpty() || LABEL_NAME.matcher(value).matches())) {
      throw invalidLabel(key, value);
    }
  }

  private static MoatException invalidLabel(String key, String value) {
    return new MoatException(Failure.INVALID_INPUT, "selector '" + key + "=" + value + "' is not a valid Kubernetes label",
        "keys are [prefix/]name and values at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
  }
}
