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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reflected cross-site scripting, context by context. A parameter first carries a bare marker; where the marker
 * comes back in an HTML answer decides the context — HTML text, a double-quoted, single-quoted or unquoted
 * attribute, a quoted string inside {@code <script>}, or JSON served as {@code text/html} — and the payload: the
 * characters that break out of exactly that context, around fresh markers. A finding needs the payload back
 * verbatim, so those characters reached the page unencoded; a payload merely reflected HTML-encoded, JS-escaped,
 * stripped, or in a non-HTML answer is not a finding. Harmless markup only ({@code <moat…x>} elements and
 * attributes): nothing runs, not even in a browser.
 */
public final class XssCheck implements Check {

  /** Where a reflection landed. */
  enum Context {
    HTML_TEXT("HTML body"),
    JSON_AS_HTML("JSON served as text/html"),
    ATTRIBUTE_DOUBLE("double-quoted HTML attribute"),
    ATTRIBUTE_SINGLE("single-quoted HTML attribute"),
    ATTRIBUTE_UNQUOTED("unquoted HTML attribute"),
    SCRIPT_STRING_DOUBLE("double-quoted string in a script"),
    SCRIPT_STRING_SINGLE("single-quoted string in a script"),
    SCRIPT_CODE("script block");

    final String label;

    Context(String label) {
      this.label = label;
    }
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.XSS;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : endpoint.parameters()) {
      if (p.location() == ParameterLocation.HEADER || p.location() == ParameterLocation.COOKIE || p.isFile()) {
        continue;
      }
      testParameter(endpoint, p, ctx);
    }
  }

  private void testParameter(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    String probe = ctx.marker();
    ScanResponse reflected = ProbeExchange.send(ctx, endpoint.inject(p, probe));
    if (reflected == null || !isHtml(reflected)) {
      return;
    }
    Set<Context> contexts = contexts(reflected, probe);
    for (Context context : contexts) {
      for (String shape : payloads(context)) {
        String m = ctx.marker();
        String payload = shape.replace("M", m);
        ScanRequest request = endpoint.inject(p, payload);
        ScanResponse response = ProbeExchange.send(ctx, request);
        if (response != null && isHtml(response) && response.text().contains(payload)) {
          ctx.report(Finding.of(VulnerabilityClass.XSS, Confidence.FIRM, endpoint, p, "Reflected XSS in the " + context.label,
              new TestMethod(payload, "the payload came back unencoded in the " + context.label + " of a " + response.mediaType()
                  + " answer, so its " + breakout(context) + " reach the page; a bare marker showed where the parameter is reflected"),
              ctx.evidence(request, response)));
          return;
        }
      }
    }
  }

  /** HTML a browser would render: {@code text/html}, XHTML, or no Content-Type with markup. */
  static boolean isHtml(ScanResponse response) {
    String type = response.mediaType();
    if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
      return true;
    }
    return type.isEmpty() && response.text().stripLeading().startsWith("<");
  }

  /** Each distinct context the marker appears in. */
  static Set<Context> contexts(ScanResponse response, String marker) {
    String body = response.text();
    String lower = body.toLowerCase(Locale.ROOT);
    Set<Context> found = new LinkedHashSet<>();
    boolean json = response.mediaType().equals("text/html") && (body.stripLeading().startsWith("{") || body.stripLeading().startsWith("["));
    for (int i = body.indexOf(marker); i >= 0; i = body.indexOf(marker, i + marker.length())) {
      if (json) {
        found.add(Context.JSON_AS_HTML);
        continue;
      }
      if (inside(lower, i, "<!--", "-->") || inside(lower, i, "<textarea", "</textarea") || inside(lower, i, "<title", "</title")) {
        continue;
      }
      if (inside(lower, i, "<script", "</script")) {
        char before = i > 0 ? body.charAt(i - 1) : ' ';
        found.add(before == '"' ? Context.SCRIPT_STRING_DOUBLE : before == '\'' ? Context.SCRIPT_STRING_SINGLE : Context.SCRIPT_CODE);
        continue;
      }
      if (body.lastIndexOf('<', i) > body.lastIndexOf('>', i)) {
        found.add(attributeContext(body, i));
        continue;
      }
      found.add(Context.HTML_TEXT);
    }
    return found;
  }

  private static boolean inside(String lower, int i, String open, String close) {
    int o = lower.lastIndexOf(open, i);
    return o >= 0 && lower.lastIndexOf(close, i) < o;
  }

  /** The quoting of the attribute value the marker sits in, from the {@code =} that starts it. */
  private static Context attributeContext(String body, int i) {
    int tag = body.lastIndexOf('<', i);
    char quote = 0;
    for (int j = tag; j < i; j++) {
      char c = body.charAt(j);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      }
    }
    return quote == '"' ? Context.ATTRIBUTE_DOUBLE : quote == '\'' ? Context.ATTRIBUTE_SINGLE : Context.ATTRIBUTE_UNQUOTED;
  }

  /** Payload shapes per context, {@code M} standing for a fresh marker. */
  static List<String> payloads(Context context) {
    List<String> shapes = new ArrayList<>();
    switch (context) {
      case HTML_TEXT, JSON_AS_HTML -> shapes.add("<Mx>");
      case ATTRIBUTE_DOUBLE -> shapes.add("M\" Mx=\"1");
      case ATTRIBUTE_SINGLE -> shapes.add("M' Mx='1");
      case ATTRIBUTE_UNQUOTED -> shapes.add("M Mx=1");
      case SCRIPT_STRING_DOUBLE -> {
        shapes.add("M\";Mx=1;//");
        shapes.add("M</script><Mx>");
      }
      case SCRIPT_STRING_SINGLE -> {
        shapes.add("M';Mx=1;//");
        shapes.add("M</script><Mx>");
      }
      case SCRIPT_CODE -> shapes.add("M</script><Mx>");
    }
    return shapes;
  }

  private static String breakout(Context context) {
    return switch (context) {
      case HTML_TEXT, JSON_AS_HTML -> "angle brackets (a new element)";
      case ATTRIBUTE_DOUBLE -> "double quote (a new attribute)";
      case ATTRIBUTE_SINGLE -> "single quote (a new attribute)";
      case ATTRIBUTE_UNQUOTED -> "space (a new attribute)";
      case SCRIPT_STRING_DOUBLE, SCRIPT_STRING_SINGLE, SCRIPT_CODE -> "quote or </script> (script code)";
    };
  }
}
