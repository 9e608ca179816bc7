package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.OutOfBandHit;
import dev.moat.scan.OutOfBandListener;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Server-side request forgery proved out of band: every URL-like parameter (by type, name or value) is pointed at
 * the scanner's own listener under a fresh token, all of an endpoint's parameters first, then one wait for the
 * hits; a request reaching the listener under a token proves the target fetched that parameter's URL
 * (confirmed). Nothing else is requested of the target, and the listener answers an empty 200. Skipped when no
 * listener runs.
 */
public final class SsrfCheck implements Check {

  private static final Set<String> NAMES = Set.of("url", "uri", "dest", "destination", "callback", "webhook", "feed", "image", "img", "src",
      "source", "link", "endpoint", "host", "proxy", "fetch", "load", "target", "remote", "avatar");

  private record Sent(Parameter parameter, String token, ScanRequest request, ScanResponse response) {}

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.SSRF;
  }

  @Override
  public boolean waits() {
    return true;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    OutOfBandListener oob = ctx.outOfBand();
    if (oob == null) {
      return;
    }
    List<Sent> sent = new ArrayList<>();
    for (Parameter p : endpoint.parameters()) {
      if (p.isFile() || !urlLike(p)) {
        continue;
      }
      String token = ctx.marker();
      ScanRequest request = endpoint.inject(p, oob.callbackUrl(token).toString());
      ScanResponse response = ProbeExchange.send(ctx, request);
      sent.add(new Sent(p, token, request, response));
    }
    java.util.Map<String, List<OutOfBandHit>> hits = OutOfBandWait.hits(oob, sent.stream().map(Sent::token).toList(), ctx.settings().outOfBandWait());
    for (Sent s : sent) {
      List<OutOfBandHit> tokenHits = hits.get(s.token());
      if (tokenHits != null) {
        OutOfBandHit hit = tokenHits.get(0);
        ctx.report(Finding.of(VulnerabilityClass.SSRF, Confidence.CONFIRMED, endpoint, s.parameter(), "Server-side request forgery",
            new TestMethod(oob.callbackUrl(s.token()).toString(), "the target requested the scanner's out-of-band listener under this parameter's"
                + " token (" + hit.method() + " " + hit.path() + " from " + hit.sourceAddress() + ")"),
            ctx.evidence(s.request(), s.response())));
      }
    }
  }

  static boolean urlLike(Parameter p) {
    if (p.location() == ParameterLocation.PATH) {
      return false;
    }
    String name = p.name().toLowerCase(Locale.ROOT);
    String leaf = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
    return p.looksLikeUrl() || NAMES.contains(leaf) || NAMES.stream().anyMatch(n -> leaf.endsWith("_" + n) || leaf.endsWith(n + "url"));
  }
}
