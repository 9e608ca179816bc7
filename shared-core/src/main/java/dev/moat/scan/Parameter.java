package dev.moat.scan;

import java.util.Objects;

/**
 * One input of an endpoint: its name, where it travels, the value a normal request sends (an example from
 * the spec, a value derived from its schema, or what a crawled form held), and its schema type.
 *
 * @param name the parameter name (for body locations see {@link ParameterLocation})
 * @param location where it travels
 * @param value the value of the baseline request; never null
 * @param type the schema type: {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code file}, or {@code url}
 *     for strings whose name or format says they hold a URL (SSRF and redirect checks target those first)
 * @param required whether the spec marks it required
 */
public record Parameter(String name, ParameterLocation location, String value, String type, boolean required) {

  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    value = value == null ? "" : value;
    type = type == null ? "string" : type;
  }

  public static Parameter of(String name, ParameterLocation location, String value) {
    return new Parameter(name, location, value, "string", false);
  }

  public boolean isFile() {
    return "file".equals(type);
  }

  /** True for parameters that likely carry a URL or a redirect target, by type or by name. */
  public boolean looksLikeUrl() {
    if ("url".equals(type)) {
      return true;
    }
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.contains("url") || n.contains("uri") || n.contains("redirect") || n.contains("return") || n.contains("next")
        || n.contains("callback") || n.contains("dest") || n.contains("target") || n.contains("link") || n.contains("goto")
        || value.startsWith("http://") || value.startsWith("https://");
  }

  public Parameter withValue(String newValue) {
    return new Parameter(name, location, newValue, type, required);
  }
}
