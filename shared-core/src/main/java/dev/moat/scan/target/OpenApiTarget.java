package dev.moat.scan.target;

import dev.moat.scan.Endpoint;
import java.util.List;

/**
 * What an OpenAPI 3.x or Swagger 2.0 document describes: one {@link Endpoint} per operation (source
 * {@code openapi}) and the security schemes it declares.
 *
 * @param title the document's {@code info.title} (empty when absent)
 * @param version the document's {@code info.version} (empty when absent)
 * @param endpoints every operation, in document order
 * @param securitySchemes the declared schemes, in document order
 */
public record OpenApiTarget(String title, String version, List<Endpoint> endpoints, List<ApiSecurityScheme> securitySchemes) {

  public OpenApiTarget {
    title = title == null ? "" : title;
    version = version == null ? "" : version;
    endpoints = List.copyOf(endpoints);
    securitySchemes = List.copyOf(securitySchemes);
  }
}
