package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A canned HTTP answer. Header names keep their case; the runtime adds Content-Length and Date. */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {

  public HttpReply {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  public static HttpReply of(int status, String contentType, String body) {
    return new HttpReply(status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpReply json(int status, String json) {
    return of(status, "application/json", json);
  }

  public static HttpReply text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text);
  }

  public static HttpReply html(int status, String html) {
    return of(status, "text/html; charset=utf-8", html);
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new HttpReply(status, copy, body);
  }
}
