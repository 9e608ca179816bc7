package dev.moat.decoy;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as an HTTP emulator sees it, already bounded by the runtime (header and body limits).
 *
 * @param method upper case
 * @param rawTarget the request target exactly as sent ({@code /download?file=..%2f..%2fetc%2fpasswd})
 * @param path the decoded path
 * @param query decoded query parameters, in order; a name may repeat
 * @param headers header names in lower case; a name may repeat
 * @param body the body, at most the runtime's body limit
 * @param bodyTruncated whether the client sent more than the limit
 */
public record HttpRequestView(
    String method, String rawTarget, String path, Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body,
    boolean bodyTruncated) {

  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public String queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
