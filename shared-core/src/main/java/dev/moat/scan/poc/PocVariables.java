package dev.moat.scan.poc;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {{...}}} variables of one template run against one target. For {@code http://h:8080/app/x}:
 * {@code BaseURL} {@code http://h:8080/app/x} (no trailing slash, no query), {@code RootURL} {@code http://h:8080},
 * {@code Hostname} {@code h:8080}, {@code Host} {@code h}, {@code Port} {@code 8080}, {@code Path} {@code /app},
 * {@code File} {@code x}, {@code Scheme} {@code http}; {@code randstr} (and {@code randstr_N}) one fresh scan
 * marker per name and run. Nothing else is evaluated: other expressions are refused when a template is read.
 */
public final class PocVariables {

  static final Set<String> NAMES = Set.of("BaseURL", "RootURL", "Hostname", "Host", "Port", "Path", "File", "Scheme");
  private static final Pattern EXPRESSION = Pattern.compile("\\{\\{([^{}]*)\\}\\}");
  private static final Pattern RANDOM = Pattern.compile("randstr(?:_[A-Za-z0-9]{1,16})?");

  private final Map<String, String> values;
  private final Supplier<String> marker;
  private final Map<String, String> random = new ConcurrentHashMap<>();

  private PocVariables(Map<String, String> values, Supplier<String> marker) {
    this.values = values;
    this.marker = marker;
  }

  /** The variables for a run against {@code base}; {@code marker} hands out the {@code randstr} values. */
  public static PocVariables of(URI base, Supplier<String> marker) {
    String scheme = base.getScheme().toLowerCase(java.util.Locale.ROOT);
    String host = base.getHost();
    int port = base.getPort() >= 0 ? base.getPort() : scheme.equals("https") ? 443 : 80;
    String root = scheme + "://" + base.getRawAuthority();
    String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    int slash = path.lastIndexOf('/');
    return new PocVariables(Map.of(
        "BaseURL", root + path,
        "RootURL", root,
        "Hostname", base.getRawAuthority().replaceFirst("^[^@]*@", ""),
        "Host", host,
        "Port", Integer.toString(port),
        "Path", slash <= 0 ? "" : path.substring(0, slash),
        "File", slash < 0 ? "" : path.substring(slash + 1),
        "Scheme", scheme), marker);
  }

  /** The path of {@code BaseURL} ({@code /app/x}, or empty): raw requests' paths are appended to it. */
  String basePath() {
    return values.get("BaseURL").substring(values.get("RootURL").length());
  }

  String rootUrl() {
    return values.get("RootURL");
  }

  /** The text with every variable replaced. */
  String resolve(String text) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).trim();
      String value = values.containsKey(name) ? values.get(name) : RANDOM.matcher(name).matches()
          ? random.computeIfAbsent(name, n -> marker.get()) : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The first expression in {@code text} that is not a supported variable, or null. */
  static String unsupported(String text) {
    Matcher m = EXPRESSION.matcher(text);
    while (m.find()) {
      String name = m.group(1).trim();
      if (!NAMES.contains(name) && !RANDOM.matcher(name).matches()) {
        return m.group();
      }
    }
    return null;
  }

  /** True when the text asks for a {@code randstr} value. */
  static boolean usesRandom(String text) {
    Matcher m = EXPRESSION.matcher(text);
    while (m.find()) {
      if (RANDOM.matcher(m.group(1).trim()).matches()) {
        return true;
      }
    }
    return false;
  }
}
