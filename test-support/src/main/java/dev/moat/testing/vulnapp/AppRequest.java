package dev.moat.testing.vulnapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as the vulnerable app's handlers see it. {@code rawPath} and {@code rawQuery} are exactly what
 * the client sent (still percent-encoded); {@link #path()} and {@link #query()} are decoded once.
 */
public record AppRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body, String remoteAddress) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The path, percent-decoded once ({@code +} kept). */
  public String path() {
    return decode(rawPath.replace("+", "%2B"));
  }

  /** Query parameters, decoded once, in order. */
  public Map<String, List<String>> query() {
    return parseForm(rawQuery == null ? "" : rawQuery);
  }

  /** First value of a query parameter, or of a form-body field, or null. */
  public String param(String name) {
    List<String> q = query().get(name);
    if (q != null && !q.isEmpty()) {
      return q.get(0);
    }
    List<String> f = form().get(name);
    return f == null || f.isEmpty() ? null : f.get(0);
  }

  /** The first value of a header (name in any case), or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public Map<String, String> cookies() {
    Map<String, String> cookies = new LinkedHashMap<>();
    String h = header("cookie");
    if (h != null) {
      for (String part : h.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          cookies.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
      }
    }
    return cookies;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as form fields when it is {@code application/x-www-form-urlencoded}, else empty. */
  public Map<String, List<String>> form() {
    String ct = header("content-type");
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return Map.of();
    }
    return parseForm(bodyText());
  }

  /** One part of a {@code multipart/form-data} body; {@code filename} and {@code contentType} are null when not given. */
  public record Part(String name, String filename, String contentType, byte[] content) {
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** The body's parts when it is {@code multipart/form-data} with a boundary, else empty. Malformed parts are skipped. */
  public List<Part> multipart() {
    String ct = header("content-type");
    java.util.regex.Matcher b = ct == null ? null : java.util.regex.Pattern.compile("(?i)^multipart/form-data;.*boundary=\"?([^\";]+)\"?").matcher(ct);
    if (b == null || !b.find()) {
      return List.of();
    }
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + b.group(1);
    List<Part> parts = new ArrayList<>();
    for (String chunk : text.split(java.util.regex.Pattern.quote(delimiter))) {
      int headerEnd = chunk.indexOf("\r\n\r\n");
      if (!chunk.startsWith("\r\n") || headerEnd < 0) {
        continue;
      }
      String head = chunk.substring(2, headerEnd);
      String content = chunk.substring(headerEnd + 4);
      content = content.endsWith("\r\n") ? content.substring(0, content.length() - 2) : content;
      java.util.regex.Matcher name = java.util.regex.Pattern.compile("(?i)\\bname=\"([^\"]*)\"").matcher(head);
      java.util.regex.Matcher file = java.util.regex.Pattern.compile("(?i)\\bfilename=\"([^\"]*)\"").matcher(head);
      java.util.regex.Matcher type = java.util.regex.Pattern.compile("(?im)^content-type:\\s*(.+)$").matcher(head);
      if (name.find()) {
        parts.add(new Part(name.group(1), file.find() ? file.group(1) : null, type.find() ? type.group(1).trim() : null,
            content.getBytes(StandardCharsets.ISO_8859_1)));
      }
    }
    return parts;
  }

  /** The body as JSON, or null when it is not JSON. */
  public JsonNode json() {
    try {
      return body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  static Map<String, List<String>> parseForm(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.computeIfAbsent(decodeForm(k), x -> new ArrayList<>()).add(decodeForm(v));
    }
    return out;
  }

  static String decodeForm(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
