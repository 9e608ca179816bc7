package dev.moat.scan.poc;

import dev.moat.scan.ScanRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code raw} request split into method, request target, headers and body (variables still unresolved). The
 * target's path is appended to the scan target's path, as Nuclei does; an empty target is the scan target itself.
 * {@code Host} is the scan target's (the header in the template is dropped), and {@code Content-Length} and
 * {@code Connection} are the HTTP client's.
 *
 * @param method the request line's method, upper-cased
 * @param target the request line's target ({@code /path?query}, empty, or starting with {@code {{BaseURL}}} or
 *     {@code {{RootURL}}})
 * @param headers the header lines in order, without {@code Host}, {@code Content-Length} and {@code Connection}
 * @param body what follows the blank line, without trailing line breaks
 */
public record RawRequest(String method, String target, List<Map.Entry<String, String>> headers, String body) {

  private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "connection");

  public RawRequest {
    headers = List.copyOf(headers);
  }

  /**
   * Splits the text of one raw request.
   *
   * @throws IllegalArgumentException with the reason when it is not an HTTP request
   */
  static RawRequest parse(String text) {
    String normal = text.replace("\r\n", "\n").stripLeading();
    int end = normal.indexOf("\n\n");
    String head = end < 0 ? normal.stripTrailing() : normal.substring(0, end);
    String body = end < 0 ? "" : normal.substring(end + 2).replaceAll("\n+\\z", "");
    String[] lines = head.split("\n");
    String[] requestLine = lines[0].trim().split(" +");
    if (requestLine.length < 1 || requestLine.length > 3 || !requestLine[0].matches("[A-Za-z]+")) {
      throw new IllegalArgumentException("the first line '" + lines[0].trim() + "' is not an HTTP request line (METHOD /path HTTP/1.1)");
    }
    String target = requestLine.length == 3 || (requestLine.length == 2 && !requestLine[1].startsWith("HTTP/")) ? requestLine[1] : "";
    if (requestLine.length == 3 && !requestLine[2].startsWith("HTTP/")) {
      throw new IllegalArgumentException("the first line '" + lines[0].trim() + "' does not end in an HTTP version");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("line " + (i + 1) + " '" + lines[i] + "' is not a header (Name: value)");
      }
      String name = lines[i].substring(0, colon).trim();
      if (!CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(Map.entry(name, lines[i].substring(colon + 1).trim()));
      }
    }
    return new RawRequest(requestLine[0].toUpperCase(Locale.ROOT), target, headers, body);
  }

  /** Every piece of text that gets variables, for checking. */
  List<String> texts() {
    List<String> all = new ArrayList<>(List.of(target, body));
    headers.forEach(h -> {
      all.add(h.getKey());
      all.add(h.getValue());
    });
    return all;
  }

  ScanRequest toScanRequest(PocVariables variables) {
    String resolved = variables.resolve(target);
    URI uri;
    if (resolved.startsWith("http://") || resolved.startsWith("https://")) {
      uri = URI.create(resolved);
    } else if (resolved.isEmpty() || resolved.startsWith("/") || resolved.startsWith("?")) {
      String base = variables.basePath();
      uri = URI.create(variables.rootUrl() + (resolved.startsWith("?") && base.isEmpty() ? "/" : "") + base + resolved);
    } else {
      uri = URI.create(variables.rootUrl() + variables.basePath() + "/" + resolved);
    }
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach(e -> h.computeIfAbsent(variables.resolve(e.getKey()), k -> new ArrayList<>()).add(variables.resolve(e.getValue())));
    return new ScanRequest(method, uri, h, variables.resolve(body).getBytes(StandardCharsets.UTF_8));
  }
}
