package dev.moat.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probing the usual OpenAPI locations of a real HTTP server (the JDK's) on 127.0.0.1, through a real HTTP client. */
class OpenApiLocatorTest {

  private HttpServer server;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  /** A real JDK HttpServer on 127.0.0.1 answering {@code routes} (path → content type and body), 404 elsewhere. */
  URI serve(Map<String, String[]> routes) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      String[] route = routes.get(exchange.getRequestURI().getPath());
      byte[] body = (route == null ? "<html>not found</html>" : route[1]).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", route == null ? "text/html" : route[0]);
      exchange.sendResponseHeaders(route == null ? 404 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A plain fetcher over the JDK client: the 2xx body or nothing. */
  static DocumentFetcher jdkFetcher() {
    HttpClient http = HttpClient.newHttpClient();
    return url -> {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() / 100 == 2 ? Optional.of(response.body()) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    };
  }

  @Test
  void takesTheFirstLocationWhoseBodyIsAnApiDescriptionAndAsksNoFurther() throws Exception {
    URI base = serve(Map.of(
        "/v3/api-docs", new String[] {"application/json", "{\"status\":\"UP\"}"},
        "/openapi.json", new String[] {"text/html", "<!doctype html><html><body>shop</body></html>"},
        "/openapi.yaml", new String[] {"application/yaml", "openapi: 3.0.3\ninfo:\n  title: shop\n  version: '1'\npaths: {}\n"},
        "/swagger.json", new String[] {"application/json", "{\"swagger\":\"2.0\",\"paths\":{}}"}));

    Optional<URI> found = new OpenApiLocator(jdkFetcher()).locate(base);

    assertThat(found).contains(base.resolve("/openapi.yaml"));
    assertThat(asked).containsExactly("/v3/api-docs", "/openapi.json", "/openapi.yaml");
  }

  @Test
  void findsSwaggerTwoUnderSwashbucklesPath() throws Exception {
    URI base = serve(Map.of("/swagger/v1/swagger.json", new String[] {"application/json", "{\"swagger\":\"2.0\",\"info\":{},\"paths\":{}}"}));
    assertThat(new OpenApiLocator(jdkFetcher()).locate(base)).contains(base.resolve("/swagger/v1/swagger.json"));
    assertThat(asked).containsExactly("/v3/api-docs", "/openapi.json", "/openapi.yaml", "/swagger.json", "/swagger/v1/swagger.json");
  }

  @Test
  void aServiceWithoutADocumentIsAskedEveryLocationOnceAndYieldsNothing() throws Exception {
    URI base = serve(Map.of("/", new String[] {"text/html", "<html>welcome</html>"}));
    DiscoveredService service = new DiscoveredService("shop", "web", 80, "http", base, null);

    DiscoveredService located = new OpenApiLocator(jdkFetcher()).locate(service);

    assertThat(located.openApi()).isEmpty();
    assertThat(asked).containsExactlyElementsOf(OpenApiLocator.LOCATIONS);
  }

  @Test
  void onlyMappingsWithAnOpenapiOrSwaggerKeyCount() {
    assertThat(OpenApiLocator.isApiDescription("{\"openapi\":\"3.1.0\"}")).isTrue();
    assertThat(OpenApiLocator.isApiDescription("swagger: 2.0\n")).isTrue();
    assertThat(OpenApiLocator.isApiDescription("[{\"openapi\":\"3.0.0\"}]")).isFalse();
    assertThat(OpenApiLocator.isApiDescription("{\"info\":{\"openapi\":\"3.0.0\"}}")).isFalse();
    assertThat(OpenApiLocator.isApiDescription("openapi:\n")).isFalse();
    assertThat(OpenApiLocator.isApiDescription("<html><body>openapi: 3.0</body></html>")).isFalse();
    assertThat(OpenApiLocator.isApiDescription("")).isFalse();
  }
}
