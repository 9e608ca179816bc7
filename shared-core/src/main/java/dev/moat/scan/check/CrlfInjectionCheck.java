package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * CRLF / HTTP response header injection: a parameter that ends up in a response header carries an encoded line
 * break followed by a header of Moat's own ({@code X-Moat-Injected: <marker>}, or a {@code moat=<marker>}
 * cookie). Only a response that really has that header is a finding: the marker reflected in the body, or inside
 * another header's value, is not. Path and query parameters get the URL-encoded variants as written; body
 * parameters carry the raw characters. Header and cookie parameters are not tested (the HTTP client refuses
 * CR/LF in request headers).
 */
public final class CrlfInjectionCheck implements Check {

  static final String HEADER = "X-Moat-Injected";

  /**
   * A payload; {@code %m} is the marker. {@code raw} is the URL form for path and query parameters, {@code value}
   * the decoded form for body parameters (null: no body form).
   */
  record Variant(String name, String raw, String value) {
    String raw(String marker) {
      return raw.replace("%m", marker);
    }

    String value(String marker) {
      return value == null ? null : value.replace("%m", marker);
    }
  }

  static final List<Variant> VARIANTS = List.of(
      new Variant("CR LF (%0d%0a)", "moat%0d%0aX-Moat-Injected:%20%m", "moat\r\nX-Moat-Injected: %m"),
      new Variant("bare LF (%0a)", "moat%0aX-Moat-Injected:%20%m", "moat\nX-Moat-Injected: %m"),
      new Variant("CR LF before a cookie", "moat%0d%0aSet-Cookie:%20moat=%m", "moat\r\nSet-Cookie: moat=%m"),
      new Variant("CR LF then a space (%0d%0a%20)", "moat%0d%0a%20%0d%0aX-Moat-Injected:%20%m", "moat\r\n \r\nX-Moat-Injected: %m"),
      new Variant("double URL encoding (%250d%250a)", "moat%250d%250aX-Moat-Injected:%20%m", "moat%0d%0aX-Moat-Injected:%20%m"),
      new Variant("UTF-8 characters whose low bytes are CR LF (%E5%98%8D%E5%98%8A)",
          "moat%E5%98%8D%E5%98%8AX-Moat-Injected:%20%m", "moat\u560d\u560aX-Moat-Injected: %m"));

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.CRLF_INJECTION;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : endpoint.parameters()) {
      if (p.isFile() || p.location() == ParameterLocation.HEADER || p.location() == ParameterLocation.COOKIE || !"string".equals(p.type()) && !"url".equals(p.type())) {
        continue;
      }
      boolean inUrl = p.location() == ParameterLocation.PATH || p.location() == ParameterLocation.QUERY;
      for (Variant v : VARIANTS) {
        String marker = ctx.marker();
        String payload = inUrl ? v.raw(marker) : v.value(marker);
        if (payload == null) {
          continue;
        }
        ScanRequest request = inUrl ? endpoint.injectRaw(p, payload) : endpoint.inject(p, payload);
        ScanResponse response = ProbeExchange.send(ctx, request);
        String how = response == null ? null : injected(response, marker);
        if (how != null) {
          ctx.report(Finding.of(type(), Confidence.CONFIRMED, endpoint, p, "HTTP response header injection (" + v.name() + ")",
              new TestMethod(payload, how), ctx.evidence(request, response)));
          break;
        }
      }
    }
  }

  /** How the response shows the injected header, or null: a header {@value #HEADER} with the marker, or a cookie {@code moat=<marker>}. */
  static String injected(ScanResponse r, String marker) {
    for (String value : r.headers(HEADER)) {
      if (value.trim().startsWith(marker)) {
        return "the response had a header " + HEADER + ": " + marker + " that only the injected line break can create";
      }
    }
    for (String cookie : r.headers("set-cookie")) {
      if (cookie.trim().toLowerCase(Locale.ROOT).startsWith("moat=" + marker)) {
        return "the response set a cookie moat=" + marker + " that only the injected line break can create";
      }
    }
    return null;
  }
}
