package dev.moat.decoy;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One canned answer of a generic {@code http} decoy.
 *
 * @param method the HTTP method it answers, upper case, or {@code *} for any
 * @param path a glob over the decoded path: {@code *} matches within one segment, {@code **} across segments,
 *     {@code ?} one character; everything else literally
 * @param status the status to answer
 * @param headers headers to answer with
 * @param body the body to answer with
 * @param severity the alert a matching request raises; null for the runtime's INFO {@code http.request}
 * @param action the alert's action ({@code http.admin_probe}); {@code http.request} when not given
 */
public record HttpRoute(String method, String path, int status, Map<String, String> headers, String body, AlertSeverity severity,
    String action) {

  public HttpRoute {
    headers = Map.copyOf(headers);
  }

  boolean matches(String requestMethod, String requestPath) {
    return (method.equals("*") || method.equals(requestMethod)) && glob(path).matcher(requestPath).matches();
  }

  /** The regular expression a path glob stands for. */
  static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (c == '?') {
          regex.append("[^/]");
        } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".*");
          i++;
        } else {
          regex.append("[^/]*");
        }
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }
}
