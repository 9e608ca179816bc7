package dev.moat.whitelist;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where and to what an exported policy applies.
 *
 * @param selector pod labels the policy selects (KubeArmor, Tetragon); empty: every pod of the namespace
 * @param namespace the namespace of namespaced policies; null: the exporter's default ({@code default})
 * @param name the policy name; null: derived from the image repository and digest
 */
public record ExportOptions(Map<String, String> selector, String namespace, String name) {

  public ExportOptions {
    selector = java.util.Collections.unmodifiableMap(new TreeMap<>(selector));
  }

  public static ExportOptions defaults() {
    return new ExportOptions(Map.of(), null, null);
  }
}
