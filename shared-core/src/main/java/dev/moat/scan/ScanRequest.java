package dev.moat.scan;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request the scanner sends: method, absolute URI, headers in order, body. Immutable; the
 * {@code with*} methods return copies. Header names keep the case given; lookups ignore case.
 */
public record ScanRequest(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

  public ScanRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    headers = Collections.unmodifiableMap(copy);
    body = body == null ? new byte[0] : body;
  }

  public static ScanRequest get(URI uri) {
    return new ScanRequest("GET", uri, Map.of(), null);
  }

  /** A copy with this header set to the one value, replacing any of the same name (any case). */
  public ScanRequest withHeader(String name, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase(name)) {
        copy.put(k, v);
      }
    });
    copy.put(name, List.of(value));
    return new ScanRequest(method, uri, copy, body);
  }

  public ScanRequest withoutHeader(String name) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase(name)) {
        copy.put(k, v);
      }
    });
    return new ScanRequest(method, uri, copy, body);
  }

  public ScanRequest withUri(URI newUri) {
    return new ScanRequest(method, newUri, headers, body);
  }

  public ScanRequest withMethod(String newMethod) {
    return new ScanRequest(newMethod, uri, headers, body);
  }

  /** A copy with this body and {@code Content-Type}. */
  public ScanRequest withBody(String contentType, byte[] newBody) {
    return new ScanRequest(method, uri, headers, newBody).withHeader("Content-Type", contentType);
  }

  /** The first value of a header (any case), or null. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The request as text (request line, headers, body), cut at {@code maxChars}; use {@link CheckContext#evidence} for reports. */
  public String toText(int maxChars) {
    StringBuilder sb = new StringBuilder();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    sb.append(method).append(' ').append(path);
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    sb.append(" HTTP/1.1\r\nHost: ").append(uri.getRawAuthority()).append("\r\n");
    List<String> lines = new ArrayList<>();
    headers.forEach((k, vs) -> vs.forEach(v -> lines.add(k + ": " + v)));
    for (String line : lines) {
      sb.append(line).append("\r\n");
    }
    sb.append("\r\n");
    if (body.length > 0) {
      sb.append(bodyText());
    }
    return sb.length() > maxChars ? sb.substring(0, maxChars) + "…" : sb.toString();
  }

  @Override
  public String toString() {
    return method.toUpperCase(Locale.ROOT) + " " + uri;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanRequest r && method.equals(r.method) && uri.equals(r.uri) && headers.equals(r.headers)
        && java.util.Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers) * 31 + java.util.Arrays.hashCode(body);
  }
}
