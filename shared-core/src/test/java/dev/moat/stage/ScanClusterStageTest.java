package dev.moat.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.moat.Failure;
import dev.moat.decoy.DecoyIdentity;
import dev.moat.decoy.DecoyLimits;
import dev.moat.decoy.DecoyServer;
import dev.moat.decoy.FakeFilesystem;
import dev.moat.decoy.FileDownloadDecoy;
import dev.moat.decoy.ServedDecoy;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat scan cluster} end to end but for the cluster: Services come from fabric8's mock API server in CRUD
 * mode (a fake — no Kubernetes API server runs here), and their in-cluster names are mapped to real servers on
 * 127.0.0.1 standing in for cluster DNS: Moat's file-download decoy (no OpenAPI, so crawled) and an API that
 * publishes its OpenAPI document at {@code /v3/api-docs}.
 */
@EnableKubernetesMockClient(crud = true)
class ScanClusterStageTest {

  KubernetesClient client;

  private void service(String name, String clusterIp, int port) {
    client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).withPorts(new ServicePortBuilder().withName("http").withPort(port).withProtocol("TCP").build())
        .endSpec().build()).create();
  }

  @Test
  void everyServiceIsScannedWithItsOwnReportsAndAnAggregateGatesTheRun(@TempDir Path dir) throws Exception {
    HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] spec = ("{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"orders\",\"version\":\"1\"},\"paths\":{\"/orders\":{\"get\":{\"parameters\":"
        + "[{\"name\":\"id\",\"in\":\"query\",\"schema\":{\"type\":\"integer\"}}],\"responses\":{\"200\":{\"description\":\"ok\"}}}}}}")
        .getBytes(StandardCharsets.UTF_8);
    api.createContext("/", exchange -> {
      boolean doc = exchange.getRequestURI().getPath().equals("/v3/api-docs");
      byte[] body = doc ? spec : "{\"orders\":[]}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(doc || exchange.getRequestURI().getPath().equals("/orders") ? 200 : 404, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    api.start();
    try (DecoyServer decoy = DecoyServer.start(List.of(new ServedDecoy(new DecoyIdentity("documents", "file-download", null, null),
        new FileDownloadDecoy(FakeFilesystem.canned()), 0)), "127.0.0.1", DecoyLimits.defaults(), a -> {}, Clock.systemUTC())) {
      service("documents", "10.0.0.10", 8080);
      service("orders", "10.0.0.11", 80);
      service("headless", "None", 80);
      Map<String, URI> dns = new HashMap<>();
      dns.put("documents.shop.svc:8080", URI.create("http://127.0.0.1:" + decoy.boundPorts().get("documents")));
      dns.put("orders.shop.svc:80", URI.create("http://127.0.0.1:" + api.getAddress().getPort()));
      ScanApiRequest template = ScanApiRequest.fromParameters(Map.of("target", "http://discovered-service.invalid/",
          "checks", "path-traversal,directory-enumeration", "fail-on", "high", "report-dir", dir.toString()));

      StageResult result = new ScanClusterStage(() -> client, u -> dns.getOrDefault(u.getHost() + ":" + u.getPort(), u))
          .run(template, "shop", Map.of(), false, new StageContext(Map.of(), what -> new char[0], Clock.systemUTC()), StageListener.NONE);

      assertThat(result.failure()).isEqualTo(Failure.FINDINGS);
      assertThat(result.outputs()).containsEntry("SERVICES", "2");
      assertThat(Integer.parseInt(result.outputs().get("HIGH"))).isPositive();
      JsonNode index = new ObjectMapper().readTree(dir.resolve("services.json").toFile());
      assertThat(index).hasSize(2);
      JsonNode orders = index.get(0).path("service").asText().startsWith("shop/orders") ? index.get(0) : index.get(1);
      JsonNode documents = orders == index.get(0) ? index.get(1) : index.get(0);
      assertThat(orders.path("openapi").asText()).endsWith("/v3/api-docs");
      assertThat(orders.path("high").asInt() + orders.path("critical").asInt()).as("the API has no flaw but its published docs").isZero();
      assertThat(documents.path("openapi").isNull()).isTrue();
      assertThat(documents.path("high").asInt()).isPositive();
      JsonNode ordersReport = new ObjectMapper().readTree(dir.resolve(orders.path("reports").asText()).resolve("moat-scan.json").toFile());
      assertThat(ordersReport.path("endpoints").asInt()).as("the OpenAPI operation and the root").isEqualTo(2);
      JsonNode aggregate = new ObjectMapper().readTree(dir.resolve("moat-scan.json").toFile());
      assertThat(aggregate.path("target").asText()).contains("namespace shop").contains("2 service(s)");
      assertThat(aggregate.path("findings").size()).isEqualTo(documents.path("findings").asInt() + orders.path("findings").asInt());
      assertThat(aggregate.path("notes").toString()).contains("headless");
      assertThat(Files.exists(dir.resolve("moat-scan.sarif"))).isTrue();
    } finally {
      api.stop(0);
    }
  }
}
