package dev.moat.scan.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Finds a service's OpenAPI document by asking the usual places in order (Springdoc, the common static names,
 * ASP.NET's Swashbuckle, springfox, then YAML variants) and taking the first body that parses as JSON or YAML with a
 * top-level {@code openapi} or {@code swagger} key. Only GETs of these fixed paths are sent, through the caller's
 * {@link DocumentFetcher}.
 */
public final class OpenApiLocator {

  /** The paths tried, in order. */
  public static final List<String> LOCATIONS = List.of("/v3/api-docs", "/openapi.json", "/openapi.yaml", "/swagger.json",
      "/swagger/v1/swagger.json", "/v2/api-docs", "/api-docs", "/swagger.yaml");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final DocumentFetcher fetcher;

  public OpenApiLocator(DocumentFetcher fetcher) {
    this.fetcher = fetcher;
  }

  /** The URL of the first OpenAPI or Swagger document under {@code baseUrl}, or empty when none of the locations has one. */
  public Optional<URI> locate(URI baseUrl) throws InterruptedException {
    for (String path : LOCATIONS) {
      URI url = baseUrl.resolve(path);
      Optional<String> body = fetcher.fetch(url);
      if (body.isPresent() && isApiDescription(body.get())) {
        return Optional.of(url);
      }
    }
    return Optional.empty();
  }

  /** The service with {@link DiscoveredService#openApiUrl()} set when a document was found. */
  public DiscoveredService locate(DiscoveredService service) throws InterruptedException {
    return locate(service.baseUrl()).map(service::withOpenApiUrl).orElse(service);
  }

  /** Whether {@code body} is a JSON or YAML mapping with a top-level {@code openapi} or {@code swagger} key. */
  static boolean isApiDescription(String body) {
    JsonNode root = parse(JSON, body);
    if (root == null) {
      root = parse(YAML, body);
    }
    return root != null && root.isObject() && (isVersion(root.get("openapi")) || isVersion(root.get("swagger")));
  }

  private static boolean isVersion(JsonNode node) {
    return node != null && (node.isTextual() || node.isNumber()) && !node.asText().isBlank();
  }

  private static JsonNode parse(ObjectMapper mapper, String body) {
    try {
      return mapper.readTree(body);
    } catch (JsonProcessingException | RuntimeException e) {
      return null; // HTML, an error page, a broken document: not an API description
    }
  }
}
