package dev.moat.scan.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials a scan sends on every request, as headers, and the secret strings to mask wherever a request
 * or response is shown (evidence, logs). Values come from the environment; they are never printed.
 */
public final class Authentication {

  private final Map<String, String> headers;
  private final String cookie;
  private final List<String> secrets;

  private Authentication(Map<String, String> headers, String cookie, List<String> secrets) {
    this.headers = Map.copyOf(headers);
    this.cookie = cookie;
    this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).sorted((a, b) -> b.length() - a.length()).toList();
  }

  public static Authentication none() {
    return new Authentication(Map.of(), null, List.of());
  }

  /**
   * Any of the four kinds (each may be null): a bearer token, basic user and password, an API key header and value,
   * a {@code Cookie} header value.
   */
  public static Authentication of(String bearerToken, String basicUser, String basicPassword, String apiKeyHeader, String apiKey, String cookie) {
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> secrets = new ArrayList<>();
    if (bearerToken != null) {
      headers.put("Authorization", "Bearer " + bearerToken);
      secrets.add(bearerToken);
    }
    if (basicUser != null && basicPassword != null) {
      String token = Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
      headers.put("Authorization", "Basic " + token);
      secrets.add(token);
      secrets.add(basicPassword);
    }
    if (apiKeyHeader != null && apiKey != null) {
      headers.put(apiKeyHeader, apiKey);
      secrets.add(apiKey);
    }
    if (cookie != null) {
      secrets.add(cookie);
      for (String pair : cookie.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          secrets.add(pair.substring(eq + 1).trim());
        }
      }
    }
    return new Authentication(headers, cookie, secrets);
  }

  /** Headers to add to each request (a request's own header of the same name wins, so a check can test without auth). */
  Map<String, String> headers() {
    return headers;
  }

  /** The {@code Cookie} value to merge into each request, or null. */
  String cookie() {
    return cookie;
  }

  /** {@code text} with every secret replaced by {@code ******}. */
  public String mask(String text) {
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, "******");
    }
    return out;
  }

  public boolean isEmpty() {
    return headers.isEmpty() && cookie == null;
  }
}
