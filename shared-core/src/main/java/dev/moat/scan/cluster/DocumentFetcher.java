package dev.moat.scan.cluster;

import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * Fetches one URL's body for {@link OpenApiLocator}: the body of a 2xx answer, or empty for anything else (another
 * status, a refused connection, a timeout, a URL out of scope). Cluster mode passes {@link #through(ScanClient)} so
 * probing obeys the scan's scope, rate limit and body cap like every other request.
 */
@FunctionalInterface
public interface DocumentFetcher {

  Optional<String> fetch(URI url) throws InterruptedException;

  /** GETs through the scanner's client, following in-scope redirects; out-of-scope URLs are never sent. */
  static DocumentFetcher through(ScanClient client) {
    return url -> {
      if (!client.scope().allows(url)) {
        return Optional.empty();
      }
      try {
        ScanResponse response = client.sendFollowingRedirects(ScanRequest.get(url).withHeader("Accept",
            "application/json, application/yaml;q=0.9, */*;q=0.5"));
        return response.status() >= 200 && response.status() < 300 && !response.truncated()
            ? Optional.of(response.text()) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    };
  }
}
