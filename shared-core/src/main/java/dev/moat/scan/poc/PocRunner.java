package dev.moat.scan.poc;

import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs one template against one target through the check context's client (so the scope, rate limit and
 * authentication apply) and reports a {@link Finding} per matching request: type {@code poc}, the template's
 * severity, title {@code "<info.name> (<id>)"}, the template id as the finding's <b>parameter</b> (so two templates
 * hitting the same path stay two findings), the matchers that hit and what the extractors found in the test method.
 */
public final class PocRunner {

  private PocRunner() {}

  /**
   * Sends the template's requests and reports its matches.
   *
   * @throws IOException after the template's other requests were tried, when one of them could not be exchanged
   */
  public static void run(PocTemplate template, URI base, CheckContext ctx) throws IOException, InterruptedException {
    PocVariables variables = PocVariables.of(base, ctx::marker);
    IOException failure = null;
    for (PocRequest block : template.requests()) {
      for (ScanRequest request : block.build(variables)) {
        ScanResponse response;
        try {
          response = exchange(ctx, request, block);
        } catch (IOException e) {
          failure = failure == null ? new IOException("template " + template.id() + ": " + request + ": " + e.getMessage(), e) : failure;
          continue;
        }
        if (matched(template, block, request, response, variables, ctx) && block.stopAtFirstMatch()) {
          return;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static ScanResponse exchange(CheckContext ctx, ScanRequest request, PocRequest block) throws IOException, InterruptedException {
    if (!block.redirects()) {
      return ctx.client().send(request);
    }
    if (block.maxRedirects() >= 10) {
      return ctx.client().sendFollowingRedirects(request);
    }
    // fewer hops than the client follows: hop by hop, each next URL checked against the scope before it is asked for
    ScanRequest current = request;
    ScanResponse response = ctx.client().send(current);
    int hops = 0;
    while (hops++ < block.maxRedirects() && response.isRedirect()) {
      URI next = nextHop(ctx, current, response);
      if (next == null) {
        break;
      }
      current = response.status() == 307 || response.status() == 308 ? current.withUri(next) : ScanRequest.get(next);
      response = ctx.client().send(current);
    }
    return response;
  }

  /** Where a redirect points, or null when it leaves the scope or is not a URL. */
  private static URI nextHop(CheckContext ctx, ScanRequest current, ScanResponse redirect) {
    try {
      URI next = current.uri().resolve(redirect.header("location").trim());
      return ctx.client().scope().allows(next) ? next : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean matched(PocTemplate template, PocRequest block, ScanRequest request, ScanResponse response, PocVariables variables,
      CheckContext ctx) {
    List<PocMatcher> hits = new ArrayList<>();
    boolean matched;
    if (block.matchAll()) {
      matched = !block.matchers().isEmpty() && block.matchers().stream().allMatch(m -> m.matches(response, variables));
      if (matched) {
        hits.addAll(block.matchers());
      }
    } else {
      block.matchers().stream().filter(m -> m.matches(response, variables)).forEach(hits::add);
      matched = !hits.isEmpty();
    }
    Map<String, List<String>> extracted = new LinkedHashMap<>();
    for (int i = 0; i < block.extractors().size(); i++) {
      PocExtractor e = block.extractors().get(i);
      List<String> values = e.extract(response, variables);
      if (!values.isEmpty()) {
        extracted.put(e.name().isEmpty() ? e.type().name().toLowerCase(java.util.Locale.ROOT) + " #" + (i + 1) : e.name(), values);
      }
    }
    if (block.matchers().isEmpty()) {
      matched = !extracted.isEmpty();
    }
    if (!matched) {
      return false;
    }
    ctx.report(finding(template, block, request, response, hits, extracted, ctx));
    return true;
  }

  private static Finding finding(PocTemplate template, PocRequest block, ScanRequest request, ScanResponse response, List<PocMatcher> hits,
      Map<String, List<String>> extracted, CheckContext ctx) {
    URI uri = request.uri();
    Endpoint where = new Endpoint(request.method(), URI.create(uri.getScheme() + "://" + uri.getRawAuthority()),
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(), List.of(), null, "poc");
    StringBuilder detection = new StringBuilder("template ").append(template.id()).append(" (").append(template.source()).append(") matched: ");
    detection.append(hits.isEmpty() ? "its extractors found values"
        : hits.stream().map(PocMatcher::describe).collect(Collectors.joining(block.matchAll() ? " and " : "; ")));
    if (!extracted.isEmpty()) {
      detection.append("; extracted ").append(extracted.entrySet().stream().map(e -> e.getKey() + "=" + String.join(", ", e.getValue()))
          .collect(Collectors.joining("; ")));
    }
    PocInfo info = template.info();
    if (!info.cveIds().isEmpty() || !info.cweIds().isEmpty()) {
      detection.append("; ").append(String.join(", ", info.cveIds())).append(info.cveIds().isEmpty() || info.cweIds().isEmpty() ? "" : ", ")
          .append(String.join(", ", info.cweIds()));
    }
    if (!info.remediation().isBlank()) {
      detection.append("; remediation: ").append(info.remediation().trim());
    }
    String payload = "template " + template.id() + ": " + request.method() + " " + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    Confidence confidence = hits.stream().anyMatch(PocMatcher::provesMarker) ? Confidence.CONFIRMED : Confidence.FIRM;
    return new Finding(VulnerabilityClass.POC, info.severity(), confidence, request.method(), where.displayUrl(), where.key(), template.id(), null,
        info.name() + " (" + template.id() + ")", new TestMethod(payload, detection.toString()), ctx.evidence(request, response));
  }
}
