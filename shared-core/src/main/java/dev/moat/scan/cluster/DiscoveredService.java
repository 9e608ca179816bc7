package dev.moat.scan.cluster;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP port of one Kubernetes Service, as cluster mode scans it.
 *
 * @param namespace the Service's namespace
 * @param name the Service's name
 * @param port the Service port (not the pod's target port): what {@code name.namespace.svc} answers on
 * @param portName the port's name in the Service, or empty when it has none
 * @param baseUrl {@code http(s)://name.namespace.svc:port}, https when the port is named or declared so or is 443/8443
 * @param openApiUrl where the service's OpenAPI (or Swagger) document was found; null when not looked for or not found
 */
public record DiscoveredService(String namespace, String name, int port, String portName, URI baseUrl, URI openApiUrl) {

  public DiscoveredService {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    portName = portName == null ? "" : portName;
  }

  /** The OpenAPI document's URL, when one was found. */
  public Optional<URI> openApi() {
    return Optional.ofNullable(openApiUrl);
  }

  public DiscoveredService withOpenApiUrl(URI url) {
    return new DiscoveredService(namespace, name, port, portName, baseUrl, url);
  }

  /** {@code namespace/name:port}, how reports and logs name it. */
  @Override
  public String toString() {
    return namespace + "/" + name + ":" + port;
  }
}
