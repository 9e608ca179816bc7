package dev.moat.scan.cluster;

import dev.moat.MoatException;
import dev.moat.kube.KubernetesFailure;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lists the Services of a namespace (or of every namespace) and keeps the TCP ports that look like HTTP: a port
 * named or declared ({@code appProtocol}) http, https, web or api (also as a prefix: {@code http-metrics}), or one of
 * the usual web ports. Headless Services (no cluster IP) and ExternalName Services are skipped: the first have no
 * address of their own, the second point outside the cluster. Only {@code get}/{@code list} on Services is needed.
 */
public final class ServiceDiscovery {

  /** Ports taken as HTTP whatever their name. */
  public static final Set<Integer> WEB_PORTS = Set.of(80, 443, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9080, 9443);
  private static final Set<Integer> TLS_PORTS = Set.of(443, 8443, 9443);
  private static final List<String> WEB_NAMES = List.of("http", "https", "web", "api", "h2c");

  /** What was found, and why the other Services were left out ({@code namespace/name: reason}). */
  public record Discovery(List<DiscoveredService> services, List<String> skipped) {
    public Discovery {
      services = List.copyOf(services);
      skipped = List.copyOf(skipped);
    }
  }

  private final KubernetesClient client;

  public ServiceDiscovery(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The HTTP ports of the Services in {@code namespace} (every namespace when null) carrying all of {@code selector}'s
   * labels (every Service when empty), ordered by namespace, name and port; {@code openApiUrl} is not yet looked for
   * (see {@link OpenApiLocator}, which must go through a client whose scope holds these base URLs).
   */
  public Discovery discover(String namespace, Map<String, String> selector) throws MoatException {
    List<Service> items;
    String where = namespace == null ? "in any namespace" : "in namespace " + namespace;
    try {
      var services = namespace == null ? client.services().inAnyNamespace() : client.services().inNamespace(namespace);
      items = selector.isEmpty() ? services.list().getItems() : services.withLabels(selector).list().getItems();
    } catch (KubernetesClientException e) {
      throw KubernetesFailure.of("list services " + where, e);
    }
    List<DiscoveredService> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Service service : items.stream().sorted(Comparator.comparing((Service s) -> s.getMetadata().getNamespace())
        .thenComparing(s -> s.getMetadata().getName())).toList()) {
      String id = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      ServiceSpec spec = service.getSpec();
      String reason = spec == null ? "no spec" : unreachable(spec);
      if (reason != null) {
        skipped.add(id + ": " + reason);
        continue;
      }
      List<DiscoveredService> ports = new ArrayList<>();
      for (ServicePort port : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
        if (port.getPort() != null && isHttp(port)) {
          ports.add(service(service, port));
        }
      }
      if (ports.isEmpty()) {
        skipped.add(id + ": no port looks like HTTP");
      }
      ports.stream().sorted(Comparator.comparingInt(DiscoveredService::port)).forEach(found::add);
    }
    return new Discovery(found, skipped);
  }

  /** {@link #discover} then {@link OpenApiLocator#locate(DiscoveredService)} on each service found. */
  public Discovery discover(String namespace, Map<String, String> selector, OpenApiLocator locator) throws MoatException, InterruptedException {
    Discovery discovery = discover(namespace, selector);
    List<DiscoveredService> located = new ArrayList<>();
    for (DiscoveredService service : discovery.services()) {
      located.add(locator.locate(service));
    }
    return new Discovery(located, discovery.skipped());
  }

  private static String unreachable(ServiceSpec spec) {
    if ("ExternalName".equals(spec.getType())) {
      return "ExternalName (points outside the cluster)";
    }
    String ip = spec.getClusterIP();
    if (ip == null || ip.isBlank() || ip.equals("None")) {
      return "headless (no cluster IP)";
    }
    return null;
  }

  static boolean isHttp(ServicePort port) {
    if (port.getProtocol() != null && !port.getProtocol().equalsIgnoreCase("TCP")) {
      return false;
    }
    return namedWeb(port.getName()) || namedWeb(appProtocol(port)) || WEB_PORTS.contains(port.getPort());
  }

  private static boolean namedWeb(String name) {
    if (name == null) {
      return false;
    }
    String n = name.toLowerCase(Locale.ROOT);
    return WEB_NAMES.stream().anyMatch(w -> n.equals(w) || n.startsWith(w + "-"));
  }

  private static boolean isTls(ServicePort port) {
    String name = port.getName() == null ? "" : port.getName().toLowerCase(Locale.ROOT);
    String app = appProtocol(port).toLowerCase(Locale.ROOT);
    if (app.equals("http") || app.equals("h2c")) {
      return false;
    }
    return name.equals("https") || name.startsWith("https-") || app.equals("https") || TLS_PORTS.contains(port.getPort());
  }

  private static String appProtocol(ServicePort port) {
    return port.getAppProtocol() == null ? "" : port.getAppProtocol().replaceFirst("^kubernetes\\.io/", "");
  }

  private static DiscoveredService service(Service service, ServicePort port) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    URI base = URI.create((isTls(port) ? "https" : "http") + "://" + name + "." + ns + ".svc:" + port.getPort());
    return new DiscoveredService(ns, name, port.getPort(), port.getName(), base, null);
  }
}
