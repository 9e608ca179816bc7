package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Endpoint;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.engine.HttpScanClient;
import dev.moat.scan.target.CrawlLimits;
import dev.moat.scan.target.Crawler;
import dev.moat.scan.target.OpenApiTargets;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The endpoints of one scan: the OpenAPI document's operations, the crawler's links and forms, and the target itself. */
final class ScanTargets {

  /** Endpoints found and what the user should know about how (pages not fetched, an unreadable page). */
  record Found(List<Endpoint> endpoints, List<String> notes) {}

  private final ScanApiRequest request;
  private final HttpScanClient client;
  private final StageListener listener;

  ScanTargets(ScanApiRequest request, HttpScanClient client, StageListener listener) {
    this.request = request;
    this.client = client;
    this.listener = listener;
  }

  Found find() throws MoatException, InterruptedException {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    Endpoint root = Endpoint.get(request.target());
    endpoints.put(root.key(), root);
    if (request.openApi() != null) {
      String location = request.openApi();
      URI documentUri = location.startsWith("http://") || location.startsWith("https://") ? URI.create(location) : null;
      List<Endpoint> operations = OpenApiTargets.parse(document(location), location, documentUri, request.target()).endpoints();
      listener.info("OpenAPI " + request.openApi() + ": " + operations.size() + " operation(s)");
      operations.forEach(e -> endpoints.put(e.key() + " " + e.parameters(), e));
    }
    if (request.crawl()) {
      Crawler.Result crawl = new Crawler(client, CrawlLimits.defaults().withDepth(request.crawlDepth()).withMaxPages(request.crawlPages()))
          .crawlWithCounts(request.target());
      listener.info("Crawl of " + request.target() + ": " + crawl.pagesFetched() + " page(s), " + crawl.endpoints().size() + " endpoint(s)"
          + (crawl.outOfScopeSkipped() > 0 ? ", " + crawl.outOfScopeSkipped() + " out-of-scope link(s) not followed" : ""));
      crawl.endpoints().forEach(e -> endpoints.putIfAbsent(e.key() + " " + e.parameters(), e));
      if (crawl.pagesFetched() >= request.crawlPages()) {
        notes.add("crawl: stopped at the page limit of " + request.crawlPages() + " pages (raise --crawl-pages to go further)");
      }
    }
    return new Found(List.copyOf(endpoints.values()), notes);
  }

  /** The document's text: a file, or a URL fetched through the scan's own client — so only within the scope. */
  private String document(String location) throws MoatException, InterruptedException {
    if (location.startsWith("http://") || location.startsWith("https://")) {
      URI uri;
      try {
        uri = URI.create(location);
      } catch (IllegalArgumentException e) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter 'openapi' is not a URL: " + location, "give a file or an http(s) URL");
      }
      if (!client.scope().allows(uri)) {
        throw new MoatException(Failure.INVALID_INPUT, "the OpenAPI document " + location + " is outside the scan's scope",
            "download it and give the file, or widen the scope with --scope");
      }
      try {
        ScanResponse response = client.sendFollowingRedirects(ScanRequest.get(uri));
        if (response.status() != 200) {
          throw new MoatException(Failure.NOT_FOUND, "the OpenAPI document " + location + " answered HTTP " + response.status(),
              "check the URL, or give the document as a file");
        }
        if (response.truncated()) {
          throw new MoatException(Failure.INVALID_INPUT, "the OpenAPI document " + location + " is larger than max-response-bytes",
              "raise --max-response-bytes, or give the document as a file");
        }
        return response.text();
      } catch (IOException e) {
        throw new MoatException(Failure.UNREACHABLE, "cannot fetch the OpenAPI document " + location + ": " + e.getMessage(),
            "check that the target is up, or give the document as a file");
      }
    }
    Path file = Path.of(location);
    if (!Files.isRegularFile(file)) {
      throw new MoatException(Failure.NOT_FOUND, "the OpenAPI document " + location + " does not exist", "give an existing file or an http(s) URL");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read the OpenAPI document " + location + ": " + e.getMessage(), "check the file's permissions");
    }
  }
}
