package dev.moat.scan.target;

/**
 * A security scheme an API document declares, so the engine can apply the user's credentials the way the API
 * expects them.
 *
 * @param name the scheme's key under {@code components.securitySchemes} (or Swagger 2.0 {@code securityDefinitions})
 * @param type {@code apiKey}, {@code http}, {@code oauth2}, {@code openIdConnect} or {@code mutualTLS}
 * @param in for {@code apiKey}: {@code header}, {@code query} or {@code cookie}; empty otherwise
 * @param parameterName for {@code apiKey}: the header, query or cookie name; empty otherwise
 * @param scheme for {@code http}: {@code basic}, {@code bearer}, …; empty otherwise
 * @param bearerFormat for {@code http bearer}: the format hint ({@code JWT}); empty otherwise
 * @param required whether the document's top-level {@code security} requires it
 */
public record ApiSecurityScheme(String name, String type, String in, String parameterName, String scheme, String bearerFormat,
    boolean required) {

  public ApiSecurityScheme {
    in = in == null ? "" : in;
    parameterName = parameterName == null ? "" : parameterName;
    scheme = scheme == null ? "" : scheme;
    bearerFormat = bearerFormat == null ? "" : bearerFormat;
  }
}
