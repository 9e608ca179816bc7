package dev.moat.testing.vulnapp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a handler answers. Headers are written exactly as given — including CR/LF inside a value, which is what
 * the CRLF-injection endpoint needs and what a real framework would refuse.
 */
public record AppResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public AppResponse {
    headers = List.copyOf(headers);
  }

  public static AppResponse of(int status, String contentType, String body) {
    return new AppResponse(status, List.of(Map.entry("Content-Type", contentType)), body.getBytes(StandardCharsets.UTF_8));
  }

  public static AppResponse html(String body) {
    return of(200, "text/html; charset=utf-8", body);
  }

  public static AppResponse json(String body) {
    return of(200, "application/json", body);
  }

  public static AppResponse text(String body) {
    return of(200, "text/plain; charset=utf-8", body);
  }

  public static AppResponse status(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text);
  }

  public static AppResponse notFound() {
    return of(404, "text/html; charset=utf-8", "<html><body><h1>404 Not Found</h1></body></html>");
  }

  public static AppResponse redirect(String location) {
    return new AppResponse(302, List.of(Map.entry("Location", location)), new byte[0]);
  }

  public AppResponse withHeader(String name, String value) {
    List<Map.Entry<String, String>> copy = new ArrayList<>(headers);
    copy.add(Map.entry(name, value));
    return new AppResponse(status, copy, body);
  }
}
