package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.SSRF;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * SSRF under {@code /ssrf/}: a link preview and a webhook registration that really fetch the URL they are given —
 * but, this being a test fixture, only when it points at 127.0.0.1 (anything else is answered as if fetched and is
 * never contacted) — and safe twins that accept only their allow-listed host.
 */
public final class SsrfRoutes implements VulnerableRoutes {

  private static final String ALLOWED = "https://images.example.com/";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();

  @Override
  public void register(AppRoutes routes) {
    routes.handle("GET", "/ssrf/preview", req -> AppResponse.html("<p>Preview: " + XssRoutes.html(fetch(req.param("url"))) + "</p>"))
        .operation("GET", "/ssrf/preview", OperationJson.withParameter("ssrfPreview", "query", "url", "https://images.example.com/cat.png"))
        .link("<a href=\"/ssrf/preview?url=https://images.example.com/cat.png\">/ssrf/preview</a>")
        .vulnerable(SSRF, "GET", "/ssrf/preview", "url");
    routes.handle("GET", "/ssrf/safe-preview", req -> {
      String url = req.param("url");
      return url != null && url.startsWith(ALLOWED) ? AppResponse.html("<p>Preview: " + XssRoutes.html(url) + "</p>") : AppResponse.status(400, "host not allowed");
    }).operation("GET", "/ssrf/safe-preview", OperationJson.withParameter("ssrfSafePreview", "query", "url", "https://images.example.com/cat.png"))
        .link("<a href=\"/ssrf/safe-preview?url=https://images.example.com/cat.png\">/ssrf/safe-preview</a>")
        .safe(SSRF, "GET", "/ssrf/safe-preview", "url");

    routes.handle("POST", "/ssrf/api/webhook", req -> {
      String callback = req.json() == null ? null : req.json().path("callback").asText(null);
      fetch(callback);
      return AppResponse.json("{\"registered\":true}");
    }).operation("POST", "/ssrf/api/webhook", OperationJson.withBodyField("ssrfWebhook", "application/json", "callback", "https://hooks.example.com/x"))
        .vulnerable(SSRF, "POST", "/ssrf/api/webhook", "callback");
    routes.handle("POST", "/ssrf/safe-api/webhook", req -> {
      String callback = req.json() == null ? null : req.json().path("callback").asText(null);
      return callback != null && callback.startsWith("https://hooks.example.com/") ? AppResponse.json("{\"registered\":true}")
          : AppResponse.status(400, "callback host not allowed");
    }).operation("POST", "/ssrf/safe-api/webhook", OperationJson.withBodyField("ssrfSafeWebhook", "application/json", "callback", "https://hooks.example.com/x"))
        .safe(SSRF, "POST", "/ssrf/safe-api/webhook", "callback");
  }

  /** GETs {@code url} when it is on 127.0.0.1; returns what to show. Never reaches anything else. */
  private static String fetch(String url) {
    if (url == null) {
      return "";
    }
    try {
      URI uri = URI.create(url);
      if (!"127.0.0.1".equals(uri.getHost()) || !"http".equals(uri.getScheme())) {
        return "(fetched " + url + ")";
      }
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return "(fetched " + r.body().length() + " bytes)";
    } catch (IllegalArgumentException | java.io.IOException e) {
      return "(cannot fetch)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
