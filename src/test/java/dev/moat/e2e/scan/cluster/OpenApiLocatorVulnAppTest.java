package dev.moat.e2e.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.cluster.DiscoveredService;
import dev.moat.scan.cluster.DocumentFetcher;
import dev.moat.scan.cluster.OpenApiLocator;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cluster mode's OpenAPI probing finds the vulnerable test app's own document (served on 127.0.0.1) over real HTTP. */
class OpenApiLocatorVulnAppTest {

  @Test
  void findsTheVulnerableAppsOpenApiDocument() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    DocumentFetcher fetcher = url -> {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() / 100 == 2 ? Optional.of(response.body()) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    };
    try (VulnerableApp app = VulnerableApp.start()) {
      DiscoveredService service = new DiscoveredService("test", "vulnapp", app.baseUri().getPort(), "http", app.baseUri(), null);

      DiscoveredService located = new OpenApiLocator(fetcher).locate(service);

      assertThat(located.openApi()).contains(app.openApiUri());
      assertThat(app.requestCount()).as("/v3/api-docs, then /openapi.json").isEqualTo(2);
    }
  }

  /** Through the scanner's client ({@link CheckHarness}, the real JDK-client ScanClient of test-support), probing stays in scope. */
  @Test
  void throughTheScanClientOnlyInScopeUrlsAreAsked() throws Exception {
    try (VulnerableApp app = VulnerableApp.start()) {
      CheckHarness elsewhere = new CheckHarness(URI.create("http://127.0.0.1:1"));
      assertThat(new OpenApiLocator(DocumentFetcher.through(elsewhere)).locate(app.baseUri())).isEmpty();
      assertThat(elsewhere.requestsSent()).isZero();
      assertThat(app.requestCount()).as("nothing is sent out of scope").isZero();

      CheckHarness inScope = new CheckHarness(app.baseUri());
      assertThat(new OpenApiLocator(DocumentFetcher.through(inScope)).locate(app.baseUri())).contains(app.openApiUri());
      assertThat(inScope.requestsSent()).isEqualTo(2);
    }
  }
}
