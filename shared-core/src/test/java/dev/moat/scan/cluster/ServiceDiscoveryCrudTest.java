package dev.moat.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.kube.KubernetesNames;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Service discovery against fabric8's mock API server in CRUD mode — a fake, because no Kubernetes API server can run
 * on this machine. It stores the Services the test creates and answers namespace and label-selector lists as the
 * real one does; the cluster IPs a real server would assign are set by the test.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceDiscoveryCrudTest {

  KubernetesClient client;

  private static ServicePort port(String name, int port, String protocol) {
    return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
  }

  private void create(String namespace, String name, Map<String, String> labels, String clusterIp, String type, ServicePort... ports) {
    Service service = new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withType(type).withClusterIP(clusterIp).withPorts(ports)
        .withExternalName("ExternalName".equals(type) ? "api.example.com" : null).endSpec().build();
    client.services().inNamespace(namespace).resource(service).create();
  }

  private void cluster() {
    create("shop", "web", Map.of("tier", "front"), "10.0.0.10", "ClusterIP", port("http", 8080, "TCP"), port("metrics-x", 9102, "TCP"));
    create("shop", "payments", Map.of("tier", "api"), "10.0.0.11", "ClusterIP", port("https", 8443, "TCP"), port(null, 3000, null));
    create("shop", "db", Map.of("tier", "data"), "10.0.0.12", "ClusterIP", port("postgres", 5432, "TCP"));
    create("shop", "dns", Map.of(), "10.0.0.13", "ClusterIP", port("http", 80, "UDP"));
    create("shop", "pods", Map.of("tier", "front"), "None", "ClusterIP", port("http", 80, "TCP"));
    create("shop", "partner", Map.of("tier", "api"), null, "ExternalName", port("https", 443, "TCP"));
    create("admin", "console", Map.of("tier", "front"), "10.0.1.10", "LoadBalancer", port("web", 80, "TCP"));
  }

  @Test
  void keepsTheHttpPortsOfOneNamespaceAndSaysWhyTheRestWasSkipped() throws Exception {
    cluster();

    ServiceDiscovery.Discovery found = new ServiceDiscovery(client).discover("shop", Map.of());

    assertThat(found.services()).extracting(DiscoveredService::toString, s -> s.baseUrl().toString()).containsExactly(
        org.assertj.core.groups.Tuple.tuple("shop/payments:3000", "http://payments.shop.svc:3000"),
        org.assertj.core.groups.Tuple.tuple("shop/payments:8443", "https://payments.shop.svc:8443"),
        org.assertj.core.groups.Tuple.tuple("shop/web:8080", "http://web.shop.svc:8080"));
    assertThat(found.services()).allMatch(s -> s.openApi().isEmpty());
    assertThat(found.skipped()).containsExactlyInAnyOrder("shop/db: no port looks like HTTP", "shop/dns: no port looks like HTTP",
        "shop/pods: headless (no cluster IP)", "shop/partner: ExternalName (points outside the cluster)");
  }

  @Test
  void theSelectorAndAllNamespacesNarrowAndWidenTheList() throws Exception {
    cluster();
    ServiceDiscovery discovery = new ServiceDiscovery(client);

    assertThat(discovery.discover(null, KubernetesNames.selector("--selector", "tier=front")).services())
        .extracting(DiscoveredService::toString).containsExactly("admin/console:80", "shop/web:8080");
    assertThat(discovery.discover(null, Map.of()).services()).extracting(DiscoveredService::namespace).contains("admin", "shop");
    assertThat(discovery.discover("staging", Map.of()).services()).isEmpty();
  }

  /**
   * OpenAPI probing of discovered services: a real HTTP server on 127.0.0.1 serves the document, and the fetcher
   * resolves {@code *.svc} names to it the way cluster DNS would inside a pod.
   */
  @Test
  void probingFillsInTheOpenApiUrlOfTheServicesThatServeOne() throws Exception {
    cluster();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      boolean doc = exchange.getRequestURI().getPath().equals("/v3/api-docs") && "web.shop.svc".equals(exchange.getRequestHeaders().getFirst("X-Service"));
      byte[] body = (doc ? "{\"openapi\":\"3.0.1\",\"paths\":{}}" : "not here").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(doc ? 200 : 404, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      DocumentFetcher clusterDns = url -> {
        URI local = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + url.getRawPath());
        try {
          var response = http.send(java.net.http.HttpRequest.newBuilder(local).header("X-Service", url.getHost()).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
          return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (java.io.IOException e) {
          return Optional.empty();
        }
      };

      List<DiscoveredService> services = new ServiceDiscovery(client).discover("shop", Map.of(), new OpenApiLocator(clusterDns)).services();

      assertThat(services).filteredOn(s -> s.name().equals("web")).singleElement()
          .satisfies(s -> assertThat(s.openApiUrl()).isEqualTo(URI.create("http://web.shop.svc:8080/v3/api-docs")));
      assertThat(services).filteredOn(s -> !s.name().equals("web")).allMatch(s -> s.openApiUrl() == null);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableApiServerIsOneClearError() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:" + closed).withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(2000).build();
    try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThatThrownBy(() -> new ServiceDiscovery(unreachable).discover("shop", Map.of()))
          .isInstanceOfSatisfying(MoatException.class, e -> {
            assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE);
            assertThat(e.getMessage()).startsWith("cannot reach the Kubernetes API to list services in namespace shop");
            assertThat(e.hint()).contains("KUBECONFIG");
          });
    }
  }

  @Test
  void aBadSelectorNamesTheOption() {
    for (String bad : List.of("tier", "=front", "tier=front,", "tier=fr ont", "bad key=x", "tier=a,tier=b")) {
      assertThatThrownBy(() -> KubernetesNames.selector("--selector", bad)).isInstanceOfSatisfying(MoatException.class, e -> {
        assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
        assertThat(e.getMessage()).startsWith("--selector '" + bad + "'");
        assertThat(e.hint()).contains("key=value");
      });
    }
  }
}
