package dev.moat.stage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanScope;
import dev.moat.scan.cluster.DiscoveredService;
import dev.moat.scan.cluster.DocumentFetcher;
import dev.moat.scan.cluster.OpenApiLocator;
import dev.moat.scan.cluster.ServiceDiscovery;
import dev.moat.scan.engine.ClientSettings;
import dev.moat.scan.engine.HttpScanClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The in-cluster scan: discover the namespace's HTTP Services, find each one's OpenAPI document at the usual
 * locations, scan each (the document's operations, else a crawl), write a report set per Service in its own
 * directory and an aggregate over all of them in the report directory, with {@code services.json} as the index.
 */
public final class ScanClusterStage {

  private final Supplier<KubernetesClient> clients;
  private final UnaryOperator<URI> reach;

  /**
   * @param reach maps a Service's in-cluster URL to the address to connect to; the identity in a cluster (tests
   *     outside one map {@code name.namespace.svc} to a local server)
   */
  public ScanClusterStage(Supplier<KubernetesClient> clients, UnaryOperator<URI> reach) {
    this.clients = clients;
    this.reach = reach;
  }

  /**
   * @param template the scan's settings; its target is replaced by each Service's
   * @param namespace the namespace scanned, or null for all
   * @param alwaysCrawl crawl Services that publish an OpenAPI document too (those without one are always crawled)
   */
  public StageResult run(ScanApiRequest template, String namespace, Map<String, String> selector, boolean alwaysCrawl, StageContext context,
      StageListener listener) throws MoatException {
    Instant started = context.clock().instant();
    ServiceDiscovery.Discovery discovery;
    try (KubernetesClient client = clients.get()) {
      discovery = new ServiceDiscovery(client).discover(namespace, selector);
    }
    String where = namespace == null ? "all namespaces" : "namespace " + namespace;
    listener.info("Discovered " + discovery.services().size() + " HTTP service port(s) in " + where
        + (discovery.skipped().isEmpty() ? "" : ", skipped " + discovery.skipped().size()));
    discovery.skipped().forEach(s -> listener.detail("skipped " + s));
    ScanApiStage stage = new ScanApiStage();
    List<ScanReport> reports = new ArrayList<>();
    ArrayNode index = new ObjectMapper().createArrayNode();
    try {
      for (DiscoveredService service : discovery.services()) {
        URI target = reach.apply(service.baseUrl());
        String openApi = locate(template, target);
        Path dir = template.reportDir().resolve(service.namespace() + "-" + service.name() + "-" + service.port());
        listener.info("Service " + service + ": " + (openApi == null ? "no OpenAPI document found, crawling" : "OpenAPI at " + openApi));
        ScanApiRequest request = template.forTarget(target, openApi, alwaysCrawl, dir);
        ScanReport report;
        try {
          report = stage.scan(request, context, listener);
        } catch (MoatException e) {
          if (e.failure() == Failure.INVALID_INPUT || e.failure() == Failure.INTERNAL) {
            throw e;
          }
          listener.warn("service " + service + " not scanned: " + e.oneLine());
          index.addObject().put("service", service.toString()).put("url", service.baseUrl().toString()).put("error", e.oneLine());
          continue;
        }
        ScanApiStage.write(report, request);
        reports.add(report);
        ObjectNode entry = index.addObject().put("service", service.toString()).put("url", service.baseUrl().toString())
            .put("openapi", openApi).put("reports", template.reportDir().relativize(dir).toString()).put("findings", report.findings().size());
        report.countsBySeverity().forEach((s, n) -> entry.put(s.name().toLowerCase(Locale.ROOT), n));
      }
      Files.createDirectories(template.reportDir());
      Files.write(template.reportDir().resolve("services.json"),
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(index));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.INTERNAL, "the scan was interrupted", "run it again");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write " + template.reportDir().resolve("services.json") + ": " + e.getMessage(),
          "check that the report directory is writable");
    }
    ScanReport aggregate = aggregate(where, reports, discovery.skipped(), started, context.clock().instant());
    List<Path> files = new ArrayList<>(ScanApiStage.write(aggregate, template));
    files.add(template.reportDir().resolve("services.json"));
    StageResult result = ScanApiStage.result(aggregate, files, template.failOn());
    java.util.Map<String, String> outputs = new java.util.LinkedHashMap<>(result.outputs());
    outputs.put("SERVICES", Integer.toString(reports.size()));
    return new StageResult(result.verdict(), result.failure(), result.message(), outputs, result.summary(), result.reports());
  }

  /** The first usual OpenAPI location that answers with a document, fetched within the service's own origin. */
  private static String locate(ScanApiRequest template, URI target) throws InterruptedException {
    try (HttpScanClient probe = new HttpScanClient(ScanScope.of(List.of(target), null),
        ClientSettings.defaults().withTimeout(template.timeout()).withRps(template.rps()))) {
      return new OpenApiLocator(DocumentFetcher.through(probe)).locate(target).map(URI::toString).orElse(null);
    }
  }

  static ScanReport aggregate(String where, List<ScanReport> reports, List<String> skipped, Instant started, Instant finished) {
    List<Endpoint> endpoints = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    long requests = 0;
    for (ScanReport r : reports) {
      endpoints.addAll(r.endpoints());
      findings.addAll(r.findings());
      r.notes().forEach(n -> notes.add(r.target() + ": " + n));
      requests += r.requestsSent();
    }
    skipped.forEach(s -> notes.add("skipped " + s));
    return new ScanReport("cluster: " + where + " (" + reports.size() + " service(s))", "moat", started, finished, requests, endpoints, findings, notes);
  }
}
