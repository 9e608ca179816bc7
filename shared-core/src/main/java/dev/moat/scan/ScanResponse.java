package dev.moat.scan;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the target answered: status, headers (names lower-cased), the body up to the scanner's byte cap
 * ({@code truncated} when it was cut), and how long the exchange took.
 */
public record ScanResponse(URI uri, int status, Map<String, List<String>> headers, byte[] body, boolean truncated, long elapsedMillis) {

  public ScanResponse {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>()).addAll(v));
    copy.replaceAll((k, v) -> List.copyOf(v));
    headers = Collections.unmodifiableMap(copy);
    body = body == null ? new byte[0] : body;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The media type without parameters, lower-cased; empty when there is none. */
  public String mediaType() {
    String ct = header("content-type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** The body decoded with the charset the Content-Type names (UTF-8 otherwise; bad bytes replaced). */
  public String text() {
    Charset charset = StandardCharsets.UTF_8;
    String ct = header("content-type");
    if (ct != null) {
      int i = ct.toLowerCase(Locale.ROOT).indexOf("charset=");
      if (i >= 0) {
        String name = ct.substring(i + 8).replace("\"", "").split("[;, ]")[0];
        try {
          charset = Charset.forName(name);
        } catch (RuntimeException e) {
          charset = StandardCharsets.UTF_8;
        }
      }
    }
    return new String(body, charset);
  }

  public boolean isRedirect() {
    return status >= 300 && status < 400 && header("location") != null;
  }

  /** The response as text (status line, headers, body), cut at {@code maxChars}. */
  public String toText(int maxChars) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
    headers.forEach((k, vs) -> vs.forEach(v -> sb.append(k).append(": ").append(v).append("\r\n")));
    sb.append("\r\n").append(text());
    return sb.length() > maxChars ? sb.substring(0, maxChars) + "…" : sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanResponse r && status == r.status && uri.equals(r.uri) && headers.equals(r.headers)
        && java.util.Arrays.equals(body, r.body) && truncated == r.truncated && elapsedMillis == r.elapsedMillis;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(uri, status, headers, truncated, elapsedMillis) * 31 + java.util.Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return status + " " + uri + " (" + body.length + " bytes, " + elapsedMillis + " ms)";
  }
}
