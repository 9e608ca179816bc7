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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open redirect: a parameter points the browser at an external host. Parameters that look like URLs get every
 * payload variant, other string parameters the two plainest. The payloads name
 * {@link dev.moat.scan.ScanSettings#redirectMarkerHost()}, which is never contacted (redirects are not
 * followed). A finding needs the marker host to be the host a browser would go to — from the {@code Location}
 * header of a 3xx answer, a meta refresh, or a script assigning {@code location} — parsed as a browser parses
 * it, so relative redirects, redirects to the target itself and the marker merely appearing in a path or query
 * are not findings.
 */
public final class OpenRedirectCheck implements Check {

  /** A payload shape; {@code %h} is the marker host, {@code %t} the target's host, {@code %o} its origin. */
  record Variant(String name, String template) {
    String payload(String markerHost, URI target) {
      return template.replace("%h", markerHost).replace("%t", target.getHost()).replace("%o", target.getScheme() + "://" + target.getRawAuthority());
    }
  }

  static final List<Variant> VARIANTS = List.of(
      new Variant("absolute URL", "https://%h/"),
      new Variant("scheme-relative //host", "//%h/"),
      new Variant("/\\host (browsers read \\ as /)", "/\\%h/"),
      new Variant("https:host without slashes", "https:%h"),
      new Variant("encoded %2f%2fhost", "%2f%2f%h/"),
      new Variant("target as user info (target@host)", "%o@%h/"),
      new Variant("target name as a subdomain of the host", "https://%t.%h/"));

  /** Parameters that do not look like URLs get only these (the cheap pass). */
  static final int CHEAP = 2;

  private static final Pattern META_REFRESH = Pattern.compile(
      "<meta[^>]+http-equiv\\s*=\\s*[\"']?refresh[\"']?[^>]*content\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s>]+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern META_URL = Pattern.compile("(?i)^\\s*\\d*\\s*[;,]?\\s*url\\s*=\\s*['\"]?([^'\"]*)");
  private static final Pattern SCRIPT_REDIRECT = Pattern.compile(
      "\\blocation(?:\\.href)?\\s*=\\s*([\"'`])(.*?)\\1|\\blocation\\.(?:replace|assign)\\s*\\(\\s*([\"'`])(.*?)\\3\\s*\\)");

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.OPEN_REDIRECT;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    String marker = ctx.settings().redirectMarkerHost();
    List<Parameter> urlLike = new ArrayList<>();
    List<Parameter> others = new ArrayList<>();
    for (Parameter p : endpoint.parameters()) {
      if (p.isFile() || p.location() == ParameterLocation.HEADER || p.location() == ParameterLocation.COOKIE) {
        continue;
      }
      if (p.looksLikeUrl()) {
        urlLike.add(p);
      } else if ("string".equals(p.type())) {
        others.add(p);
      }
    }
    URI target = endpoint.baseline().uri();
    for (Parameter p : urlLike) {
      test(endpoint, p, VARIANTS, marker, target, ctx);
    }
    for (Parameter p : others) {
      test(endpoint, p, VARIANTS.subList(0, CHEAP), marker, target, ctx);
    }
  }

  private void test(Endpoint endpoint, Parameter p, List<Variant> variants, String marker, URI target, CheckContext ctx)
      throws IOException, InterruptedException {
    for (Variant v : variants) {
      String payload = v.payload(marker, target);
      ScanRequest request = endpoint.inject(p, payload);
      ScanResponse response = ProbeExchange.send(ctx, request);
      String how = response == null ? null : redirectsTo(response, marker);
      if (how != null) {
        ctx.report(Finding.of(type(), how.startsWith("Location") ? Confidence.CONFIRMED : Confidence.FIRM, endpoint, p,
            "Open redirect via " + how.substring(0, how.indexOf(':')) + " (" + v.name() + ")",
            new TestMethod(payload, how), ctx.evidence(request, response)));
        return;
      }
    }
  }

  /** How the response sends a browser to {@code markerHost} ("Location header: …"), or null when it does not. */
  static String redirectsTo(ScanResponse r, String markerHost) {
    if (r.isRedirect() && isHost(browserHost(r.header("location")), markerHost)) {
      return "Location header: the " + r.status() + " answer's Location " + r.header("location") + " leads to " + markerHost;
    }
    String type = r.mediaType();
    if (!type.isEmpty() && !type.contains("html") && !type.contains("javascript")) {
      return null;
    }
    String body = r.text();
    Matcher meta = META_REFRESH.matcher(body);
    while (meta.find()) {
      String content = meta.group(1).replaceAll("^[\"']|[\"']$", "");
      Matcher url = META_URL.matcher(htmlUnescape(content));
      if (url.find() && isHost(browserHost(url.group(1)), markerHost)) {
        return "meta refresh: <meta http-equiv=refresh> leads to " + markerHost;
      }
    }
    Matcher script = SCRIPT_REDIRECT.matcher(body);
    while (script.find()) {
      String literal = script.group(2) != null ? script.group(2) : script.group(4);
      if (isHost(browserHost(jsUnescape(literal)), markerHost)) {
        return "script: a location assignment (" + script.group().trim() + ") leads to " + markerHost;
      }
    }
    return null;
  }

  static boolean isHost(String host, String markerHost) {
    if (host == null) {
      return false;
    }
    String m = markerHost.toLowerCase(Locale.ROOT);
    return host.equals(m) || host.endsWith("." + m);
  }

  /**
   * The host a browser navigates to for this redirect target, lower-cased, or null when it stays on the current
   * host (a relative reference) or is not http(s). Follows the WHATWG URL parser where redirect filters
   * usually differ from it: leading spaces and control characters are dropped, tabs and newlines inside are
   * removed, {@code \} counts as {@code /}, {@code https:host} and {@code https:/host} mean {@code https://host},
   * user info before the last {@code @} is not the host.
   */
  static String browserHost(String location) {
    if (location == null) {
      return null;
    }
    String s = location.replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "").replaceAll("[\\t\\n\\r]", "").replace('\\', '/');
    String rest;
    Matcher scheme = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", Pattern.DOTALL).matcher(s);
    if (scheme.matches()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (!name.equals("http") && !name.equals("https")) {
        return null;
      }
      rest = scheme.group(2).replaceFirst("^/*", "");
    } else if (s.startsWith("//")) {
      rest = s.replaceFirst("^/+", "");
    } else {
      return null;
    }
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String authority = rest.substring(0, end);
    int at = authority.lastIndexOf('@');
    String host = at >= 0 ? authority.substring(at + 1) : authority;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close > 0 ? host.substring(0, close + 1) : host;
    } else if (host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    host = host.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
    return host.isEmpty() ? null : host;
  }

  static String jsUnescape(String s) {
    Matcher m = Pattern.compile("\\\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))").matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String hex = m.group(1) != null ? m.group(1) : m.group(2);
      String replacement = hex != null ? String.valueOf((char) Integer.parseInt(hex, 16)) : m.group(3);
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String htmlUnescape(String s) {
    return s.replace("&#x2F;", "/").replace("&#47;", "/").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
  }
}
