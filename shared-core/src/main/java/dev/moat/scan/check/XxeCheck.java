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
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * XML external entities in endpoints that take an XML body. Two kinds of proof, neither of which reads a file:
 *
 * <ul>
 *   <li>in band: an inline DTD declares two internal entities holding the halves of a fresh marker and an element's
 *       text references both; the whole marker in the answer means the parser expanded them (the marker never
 *       appears whole in the request, so an endpoint that echoes its raw input does not count). This shows DTDs are
 *       processed, not that external ones are fetched: {@link Confidence#FIRM}.</li>
 *   <li>out of band, with the scanner's listener: an external general entity, an external parameter entity and an
 *       external DTD subset, each pointing at a callback URL with its own token. A hit proves the parser fetched an
 *       external entity: {@link Confidence#CONFIRMED}. The callback answers an empty document.</li>
 * </ul>
 *
 * All payloads of an endpoint are sent first and their tokens awaited together. One finding per endpoint (about its
 * body, so without a parameter), the out-of-band one when there is one.
 */
public final class XxeCheck implements Check {

  /** Elements tried for the in-band echo, at most. */
  static final int MAX_ECHO_ELEMENTS = 8;

  private static final Pattern ROOT = Pattern.compile("<\\s*([A-Za-z_][\\w.:-]*)");

  /** One request sent and what came back. */
  private record Probe(String variant, String payload, ScanRequest request, ScanResponse response) {}

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.XXE;
  }

  @Override
  public boolean waits() {
    return true;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    List<Parameter> elements = endpoint.parameters(ParameterLocation.XML_BODY);
    ScanRequest baseline = endpoint.baseline();
    if (elements.isEmpty() && !sendsXml(baseline)) {
      return;
    }
    Map<String, Probe> outOfBand = sendOutOfBand(endpoint, elements, baseline, ctx);
    Probe echo = inBand(endpoint, elements, ctx);
    if (!outOfBand.isEmpty()) {
      Map<String, List<OutOfBandHit>> hits = OutOfBandWait.hits(ctx.outOfBand(), outOfBand.keySet(), ctx.settings().outOfBandWait());
      if (!hits.isEmpty()) {
        Map.Entry<String, List<OutOfBandHit>> first = hits.entrySet().iterator().next();
        Probe p = outOfBand.get(first.getKey());
        String also = echo == null ? "" : "; internal entities are expanded into the answer too";
        ctx.report(Finding.of(type(), Confidence.CONFIRMED, endpoint, null,
            "XML external entity resolved: the parser fetched " + p.variant(),
            new TestMethod(p.payload(), "the out-of-band listener received a request for this payload's unique token " + first.getKey()
                + " (" + OutOfBandWait.describe(first.getValue().get(0)) + ")" + also),
            ctx.evidence(p.request(), p.response())));
        return;
      }
    }
    if (echo != null) {
      ctx.report(Finding.of(type(), Confidence.FIRM, endpoint, null,
          "XML entity expansion: the parser processes an inline DTD (" + echo.variant() + ")",
          new TestMethod(echo.payload(), "the answer contained the marker the two internal entities expand to, which the request "
              + "never held whole; external entities were not proven"
              + (ctx.outOfBand() == null ? " (no out-of-band listener ran)" : " (no out-of-band hit)")),
          ctx.evidence(echo.request(), echo.response())));
    }
  }

  private static boolean sendsXml(ScanRequest request) {
    String type = request.header("Content-Type");
    return request.body().length > 0 && type != null && type.toLowerCase(Locale.ROOT).contains("xml");
  }

  /** The in-band probe that came back expanded, or null. */
  private static Probe inBand(Endpoint endpoint, List<Parameter> elements, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : elements.subList(0, Math.min(MAX_ECHO_ELEMENTS, elements.size()))) {
      String marker = ctx.marker();
      String half1 = marker.substring(0, marker.length() / 2);
      String half2 = marker.substring(marker.length() / 2);
      String subset = "<!ENTITY moatA \"" + half1 + "\"><!ENTITY moatB \"" + half2 + "\">";
      ScanRequest request = withReference(endpoint, p, ctx, "&moatA;&moatB;", subset, null);
      ScanResponse response = ProbeExchange.send(ctx, request);
      if (response != null && response.text().contains(marker)) {
        return new Probe("internal entities echoed in " + p.name(), request.bodyText(), request, response);
      }
    }
    return null;
  }

  /** Sends the out-of-band payloads; their tokens, in order, with what was sent. Empty without a listener. */
  private static Map<String, Probe> sendOutOfBand(Endpoint endpoint, List<Parameter> elements, ScanRequest baseline, CheckContext ctx)
      throws IOException, InterruptedException {
    OutOfBandListener listener = ctx.outOfBand();
    Map<String, Probe> sent = new LinkedHashMap<>();
    if (listener == null) {
      return sent;
    }
    if (!elements.isEmpty()) {
      String token = ctx.marker();
      String url = listener.callbackUrl(token).toString();
      ScanRequest request = withReference(endpoint, elements.get(0), ctx, "&moatX;", "<!ENTITY moatX SYSTEM \"" + url + "\">", null);
      sent.put(token, new Probe("an external general entity", request.bodyText(), request, ProbeExchange.send(ctx, request)));
    }
    String token = ctx.marker();
    String url = listener.callbackUrl(token).toString();
    ScanRequest request = withDoctype(baseline, baseline.bodyText(), "<!ENTITY % moatP SYSTEM \"" + url + "\"> %moatP;", null);
    sent.put(token, new Probe("an external parameter entity", request.bodyText(), request, ProbeExchange.send(ctx, request)));
    token = ctx.marker();
    url = listener.callbackUrl(token).toString();
    request = withDoctype(baseline, baseline.bodyText(), null, url);
    sent.put(token, new Probe("an external DTD", request.bodyText(), request, ProbeExchange.send(ctx, request)));
    return sent;
  }

  /** The request with {@code element}'s text replaced by {@code reference} (unescaped) and a DOCTYPE added. */
  private static ScanRequest withReference(Endpoint endpoint, Parameter element, CheckContext ctx, String reference, String subset, String systemId) {
    String placeholder = ctx.marker();
    ScanRequest request = endpoint.inject(element, placeholder);
    return withDoctype(request, request.bodyText().replace(placeholder, reference), subset, systemId);
  }

  /** {@code xml} with {@code <!DOCTYPE root SYSTEM "systemId" [subset]>} after its XML declaration. */
  static ScanRequest withDoctype(ScanRequest request, String xml, String subset, String systemId) {
    int start = 0;
    if (xml.startsWith("<?xml")) {
      int end = xml.indexOf("?>");
      start = end < 0 ? 0 : end + 2;
    }
    String rest = xml.substring(start);
    Matcher m = ROOT.matcher(rest);
    String root = m.find() ? m.group(1) : "root";
    String doctype = "<!DOCTYPE " + root + (systemId == null ? "" : " SYSTEM \"" + systemId + "\"") + (subset == null ? "" : " [" + subset + "]") + ">";
    String type = request.header("Content-Type");
    return request.withBody(type == null ? "application/xml" : type, (xml.substring(0, start) + doctype + rest).getBytes(StandardCharsets.UTF_8));
  }
}
