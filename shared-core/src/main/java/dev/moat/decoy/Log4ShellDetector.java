package dev.moat.decoy;

import java.util.Locale;
import java.util.Optional;

/**
 * Finds a Log4Shell lookup ({@code ${jndi:ldap://host:port/a}}) in any text, through the usual obfuscations:
 * nested lookups with defaults ({@code ${::-j}}, {@code ${env:X:-n}}), {@code ${lower:…}} / {@code ${upper:…}},
 * {@code ${date:'d'}}, and percent-encoding. It rewrites the text by string rules only; it never resolves a name,
 * looks anything up or connects anywhere. Any HTTP decoy may call it on every header, parameter, path and body.
 */
public final class Log4ShellDetector {

  /** Bound on lookup rewrites per text, so a crafted input cannot keep the detector busy. */
  private static final int MAX_REWRITES = 512;

  private Log4ShellDetector() {}

  /**
   * The JNDI lookup found in the text.
   *
   * @param uri what follows {@code jndi:} after de-obfuscation ({@code ldap://attacker.example:1389/a})
   * @param callbackHost host and port the victim would connect to ({@code attacker.example:1389}); the whole uri
   *     when it has no authority
   */
  public record Finding(String uri, String callbackHost) {}

  public static Optional<Finding> find(String text) {
    if (text == null || text.indexOf('$') < 0 && text.indexOf('%') < 0) {
      return Optional.empty();
    }
    for (String form : Decoding.decodings(text, 3)) {
      Optional<Finding> finding = findDecoded(form);
      if (finding.isPresent()) {
        return finding;
      }
    }
    return Optional.empty();
  }

  private static Optional<Finding> findDecoded(String text) {
    String current = text;
    for (int rewrites = 0; rewrites < MAX_REWRITES; rewrites++) {
      int close = current.indexOf('}');
      int open = close < 0 ? -1 : current.lastIndexOf("${", close);
      while (close >= 0 && open < 0) {
        close = current.indexOf('}', close + 1);
        open = close < 0 ? -1 : current.lastIndexOf("${", close);
      }
      if (open < 0) {
        return Optional.empty();
      }
      String inner = current.substring(open + 2, close);
      if (inner.toLowerCase(Locale.ROOT).startsWith("jndi:")) {
        String uri = inner.substring(5).trim();
        return Optional.of(new Finding(uri, callbackHost(uri)));
      }
      current = current.substring(0, open) + evaluate(inner) + current.substring(close + 1);
    }
    return Optional.empty();
  }

  /** What Log4j would put in place of a non-JNDI lookup, as far as obfuscation needs: text only. */
  private static String evaluate(String lookup) {
    String lower = lookup.toLowerCase(Locale.ROOT);
    if (lower.startsWith("lower:")) {
      return lookup.substring(6).toLowerCase(Locale.ROOT);
    }
    if (lower.startsWith("upper:")) {
      return lookup.substring(6).toUpperCase(Locale.ROOT);
    }
    int dflt = lookup.indexOf(":-");
    if (dflt >= 0) {
      return lookup.substring(dflt + 2);
    }
    if (lower.startsWith("date:")) {
      String pattern = lookup.substring(5);
      return pattern.replace("'", "");
    }
    return "";
  }

  private static String callbackHost(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    String rest = uri.substring(scheme + 3);
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#', '}', ' '}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String authority = rest.substring(0, end);
    int at = authority.lastIndexOf('@');
    return at >= 0 ? authority.substring(at + 1) : authority;
  }
}
