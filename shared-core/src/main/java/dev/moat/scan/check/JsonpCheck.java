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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * JSONP callback exposure: a GET endpoint that answers JSON wraps it in a function named by a request parameter,
 * so any site can read the data with a {@code <script>} tag (with the visitor's cookies). Callback parameters the
 * endpoint declares are tried first, then the usual names added to the query; the callback is a fresh marker.
 * A finding needs the body to start with the marker (after optional {@code /**}{@code /}, comments or
 * whitespace) followed by {@code (}: JSON that merely contains the name is not a callback.
 */
public final class JsonpCheck implements Check {

  static final List<String> COMMON_NAMES = List.of("callback", "cb", "jsonp", "jsoncallback", "jsonpcallback", "_callback");

  private static final Pattern PREFIX = Pattern.compile("\\A(?:\\s|/\\*\\*/|/\\*[\\s\\S]*?\\*/|typeof\\s+\\w+\\s*===?\\s*['\"]function['\"]\\s*&&)*");

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.JSONP;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    if (!endpoint.method().equals("GET")) {
      return;
    }
    List<Parameter> declared = endpoint.parameters(ParameterLocation.QUERY).stream().filter(JsonpCheck::callbackLike).toList();
    if (declared.isEmpty() && !isJson(ctx.baseline(endpoint))) {
      return;
    }
    Set<String> tried = new LinkedHashSet<>();
    for (Parameter p : declared) {
      tried.add(p.name());
      String marker = ctx.marker();
      if (test(endpoint, p, endpoint.inject(p, marker), marker, ctx)) {
        return;
      }
    }
    Set<String> present = new LinkedHashSet<>();
    endpoint.parameters(ParameterLocation.QUERY).forEach(p -> present.add(p.name()));
    for (String name : COMMON_NAMES) {
      if (tried.contains(name) || present.contains(name)) {
        continue;
      }
      String marker = ctx.marker();
      Parameter extra = Parameter.of(name, ParameterLocation.QUERY, marker);
      if (test(endpoint, extra, withQueryParameter(endpoint.baseline(), name, marker), marker, ctx)) {
        return;
      }
    }
  }

  private boolean test(Endpoint endpoint, Parameter p, ScanRequest request, String marker, CheckContext ctx)
      throws IOException, InterruptedException {
    ScanResponse response = ProbeExchange.send(ctx, request);
    if (response == null || !wrapsIn(response.text(), marker)) {
      return false;
    }
    boolean script = response.mediaType().contains("javascript") || response.mediaType().contains("ecmascript");
    String type = response.mediaType().isEmpty() ? "no Content-Type" : response.mediaType();
    ctx.report(Finding.of(type(), script ? Confidence.CONFIRMED : Confidence.FIRM, endpoint, p,
        "JSONP callback through the " + p.name() + " parameter" + (script ? "" : " (served as " + type + ")"),
        new TestMethod(p.name() + "=" + marker, "the body starts with the callback name " + marker + " followed by ( and is served as " + type),
        ctx.evidence(request, response)));
    return true;
  }

  static boolean callbackLike(Parameter p) {
    String n = p.name().toLowerCase(Locale.ROOT);
    return n.contains("callback") || n.equals("cb") || n.contains("jsonp");
  }

  static boolean isJson(ScanResponse r) {
    String type = r.mediaType();
    if (type.equals("application/json") || type.endsWith("+json") || type.contains("javascript")) {
      return true;
    }
    String body = r.text().stripLeading();
    return (type.isEmpty() || type.startsWith("text/plain")) && (body.startsWith("{") || body.startsWith("["));
  }

  /** True when {@code body} calls {@code callback}: it starts (after JSONP's usual prefixes) with the name and {@code (}. */
  static boolean wrapsIn(String body, String callback) {
    var m = PREFIX.matcher(body);
    int start = m.lookingAt() ? m.end() : 0;
    if (!body.startsWith(callback, start)) {
      return false;
    }
    String rest = body.substring(start + callback.length()).stripLeading();
    return rest.startsWith("(");
  }

  static ScanRequest withQueryParameter(ScanRequest request, String name, String value) {
    URI uri = request.uri();
    String pair = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    String s = uri.toString();
    int hash = s.indexOf('#');
    String head = hash < 0 ? s : s.substring(0, hash);
    return request.withUri(URI.create(head + (uri.getRawQuery() == null ? "?" : "&") + pair));
  }
}
