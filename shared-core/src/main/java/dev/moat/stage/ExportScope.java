package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.whitelist.ExportOptions;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where exported policies apply, checked against Kubernetes' naming rules before any policy is written: a
 * selector of label {@code key=value} pairs, a namespace (a DNS-1123 label) and a policy name (a DNS-1123
 * subdomain). A bad value is named in the error, never discovered by {@code kubectl apply} later.
 */
public final class ExportScope {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private ExportScope() {}

  /** Checks each part; null namespace and name keep the exporter's defaults. */
  public static ExportOptions of(Map<String, String> selector, String namespace, String name) throws MoatException {
    for (Map.Entry<String, String> label : selector.entrySet()) {
      checkLabel(label.getKey(), label.getValue());
    }
    if (namespace != null && (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches())) {
      throw new MoatException(Failure.INVALID_INPUT, "namespace '" + namespace + "' is not a valid Kubernetes namespace",
          "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
    }
    if (name != null && (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches())) {
      throw new MoatException(Failure.INVALID_INPUT, "policy name '" + name + "' is not a valid Kubernetes object name",
          "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
    return new ExportOptions(selector, namespace, name);
  }

  /** Parses {@code key=value} items (a CLI's repeated --selector). */
  public static Map<String, String> selector(Iterable<String> items) throws MoatException {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new MoatException(Failure.INVALID_INPUT, "selector '" + item + "' is not key=value", "write it like app=shop");
      }
      map.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return map;
  }

  private static void checkLabel(String key, String value) throws MoatException {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        throw badLabel(key, value, "its prefix '" + prefix + "' is not a DNS subdomain");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      throw badLabel(key, value, "the key '" + key + "' is not a valid label name");
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      throw badLabel(key, value, "the value '" + value + "' is not a valid label value");
    }
  }

  private static MoatException badLabel(String key, String value, String why) {
    return new MoatException(Failure.INVALID_INPUT, "selector '" + key + "=" + value + "': " + why,
        "label keys and values are at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
  }
}
