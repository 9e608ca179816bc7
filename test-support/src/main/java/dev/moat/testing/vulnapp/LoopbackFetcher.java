package dev.moat.testing.vulnapp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The only way the vulnerable app's SSRF and XXE endpoints fetch a URL: plain {@code http://127.0.0.1} only (no
 * other host, no name to resolve, no credentials), no proxy, no redirects followed, short timeouts, a bounded body.
 * Anything else is refused without a connection, so the test fixture never reaches beyond this machine.
 */
final class LoopbackFetcher {

  static final int MAX_BYTES = 64 * 1024;

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .proxy(HttpClient.Builder.NO_PROXY).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(2)).build();

  private LoopbackFetcher() {}

  /** Whether {@code url} is one this fetcher would request. */
  static boolean allowed(String url) {
    try {
      URI u = new URI(url);
      return "http".equals(u.getScheme()) && "127.0.0.1".equals(u.getHost()) && u.getRawUserInfo() == null;
    } catch (URISyntaxException | NullPointerException e) {
      return false;
    }
  }

  /** The body {@code url} answered (at most {@link #MAX_BYTES}), or null when it is not allowed or the fetch failed. */
  static byte[] fetch(String url) throws InterruptedException {
    if (url == null || !allowed(url)) {
      return null;
    }
    try {
      HttpRequest request = HttpRequest.newBuilder(new URI(url)).timeout(Duration.ofSeconds(3)).GET().build();
      HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        return in.readNBytes(MAX_BYTES);
      }
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
