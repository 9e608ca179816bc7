package dev.moat.kube;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kubernetes' naming rules for what users type: DNS-1123 labels (namespaces, Service and CronJob names), DNS-1123
 * subdomains (other object names) and label selectors {@code k=v[,k2=v2]}. Each check names the option it read.
 */
public final class KubernetesNames {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN = Pattern.compile(LABEL.pattern() + "(\\." + LABEL.pattern() + ")*");
  private static final Pattern LABEL_PART = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private KubernetesNames() {}

  /** A DNS-1123 label of at most {@code maxLength} characters (63 for namespaces, 52 for CronJob names). */
  public static String label(String option, String value, int maxLength) throws MoatException {
    if (value == null || value.length() > maxLength || !LABEL.matcher(value).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, option + " '" + value + "' is not a valid Kubernetes name",
          "use at most " + maxLength + " lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    return value;
  }

  /** A DNS-1123 subdomain (at most 253 characters), what most object names are, PersistentVolumeClaims among them. */
  public static String subdomain(String option, String value) throws MoatException {
    if (value == null || value.length() > 253 || !SUBDOMAIN.matcher(value).matches()) {
      throw new MoatException(Failure.INVALID_INPUT, option + " '" + value + "' is not a valid Kubernetes name",
          "use lower-case letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit");
    }
    return value;
  }

  /**
   * Parses an equality label selector {@code k=v[,k2=v2]} (null or blank: no selector, every object) and checks each
   * key ({@code [prefix/]name}) and value against Kubernetes' label rules.
   */
  public static Map<String, String> selector(String option, String text) throws MoatException {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return Collections.unmodifiableMap(labels);
    }
    for (String part : text.split(",", -1)) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
      String value = eq < 0 ? "" : part.substring(eq + 1).trim();
      if (value.startsWith("=")) {
        value = value.substring(1).trim(); // k==v is the same selector as k=v
      }
      if (eq <= 0 || !validKey(key) || !validValue(value) || labels.containsKey(key)) {
        throw new MoatException(Failure.INVALID_INPUT, option + " '" + text + "': '" + part.trim() + "' is not a label key=value"
            + (labels.containsKey(key) ? " (key given twice)" : ""),
            "write key=value[,key2=value2], e.g. app.kubernetes.io/part-of=shop,tier=api (letters, digits, '-', '_', '.'; keys may have a DNS prefix/)");
      }
      labels.put(key, value);
    }
    return Collections.unmodifiableMap(labels);
  }

  private static boolean validKey(String key) {
    int slash = key.indexOf('/');
    String name = key;
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.length() > 253 || !SUBDOMAIN.matcher(prefix).matches()) {
        return false;
      }
    }
    return name.length() <= 63 && LABEL_PART.matcher(name).matches();
  }

  private static boolean validValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && LABEL_PART.matcher(value).matches());
  }
}
