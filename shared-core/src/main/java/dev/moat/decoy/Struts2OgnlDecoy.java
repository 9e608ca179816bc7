package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An Apache Struts 2 showcase app ({@code .action} URLs). OGNL in the Content-Type (S2-045), in parameter names or
 * values ({@code %{}, {@code ${}, {@code #context}, {@code @java.lang.Runtime@}) and {@code redirect:} / {@code action:}
 * prefixes (S2-016) raise {@code http.struts_ognl}. OGNL is never evaluated; the answers are canned pages.
 */
public final class Struts2OgnlDecoy implements HttpEmulator {

  private static final List<String> OGNL_MARKERS = List.of("%{", "${", "#context", "#_memberaccess", "@java.lang.runtime@",
      "@ognl.ognlcontext@", "#request", "#application", "#parameters", "#session", "new java.lang.processbuilder",
      "@org.apache.struts2.servletactioncontext@", ".getruntime()");
  private static final List<String> PREFIXES = List.of("redirect:", "redirectaction:", "action:", "method:");

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("struts2", "remote command execution", "an Apache Struts 2.3 showcase app (.action URLs) on Tomcat", 8080,
        List.of("http.struts_ognl (CRITICAL, T1190): OGNL in Content-Type (S2-045), in parameter names or values, redirect:/action: prefixes (S2-016)"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    return Map.of("Server", "Apache-Coyote/1.1");
  }

  /** Where the OGNL was found and the excerpt, or empty. */
  static Optional<String[]> detect(HttpRequestView request) {
    String contentType = request.header("content-type");
    if (contentType != null && ognl(contentType)) {
      return Optional.of(new String[] {"content-type", contentType});
    }
    for (Map.Entry<String, List<String>> p : request.query().entrySet()) {
      for (String v : p.getValue()) {
        if (ognl(p.getKey()) || ognl(v) || prefixed(p.getKey())) {
          return Optional.of(new String[] {"parameter", p.getKey() + "=" + v});
        }
      }
    }
    if (ognl(Decoding.percentDecode(request.rawTarget(), false))) {
      return Optional.of(new String[] {"path", request.rawTarget()});
    }
    if (request.body().length > 0) {
      String body = Decoding.percentDecode(new String(request.body(), StandardCharsets.UTF_8), true);
      if (ognl(body)) {
        return Optional.of(new String[] {"body", body});
      }
      for (String name : Decoding.form(request.body()).keySet()) {
        if (prefixed(name)) {
          return Optional.of(new String[] {"body", name});
        }
      }
    }
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      for (String v : h.getValue()) {
        if (ognl(v)) {
          return Optional.of(new String[] {h.getKey(), v});
        }
      }
    }
    return Optional.empty();
  }

  private static boolean ognl(String text) {
    String lower = text.toLowerCase(Locale.ROOT).replace(" ", "");
    for (String marker : OGNL_MARKERS) {
      if (lower.contains(marker.replace(" ", ""))) {
        return true;
      }
    }
    return false;
  }

  private static boolean prefixed(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return PREFIXES.stream().anyMatch(lower::startsWith);
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    Optional<String[]> found = detect(request);
    found.ifPresent(f -> interaction.alert("http.struts_ognl", AlertSeverity.CRITICAL, "T1190", Excerpts.printable(f[1], 256),
        Map.of("location", f[0])));
    String path = request.path();
    if (found.isPresent() && found.get()[0].equals("content-type")) {
      return HttpReply.html(200, "<html><head><title>Struts2 Showcase - Upload</title></head><body><h1>File upload</h1></body></html>");
    }
    if (path.equals("/") || path.endsWith(".action") || path.endsWith(".do")) {
      return HttpReply.html(200, "<!DOCTYPE html><html><head><title>Struts2 Showcase</title>"
          + "<link href=\"/struts2-showcase/struts/xhtml/styles.css\" rel=\"stylesheet\" type=\"text/css\"></head><body>"
          + "<h1>Struts2 Showcase</h1><ul><li><a href=\"/struts2-showcase/showcase.action\">Showcase</a></li>"
          + "<li><a href=\"/struts2-showcase/fileupload/upload.action\">File upload</a></li>"
          + "<li><a href=\"/struts2-showcase/integration/saveGangster.action\">Struts 1 integration</a></li></ul></body></html>")
          .withHeader("Set-Cookie", "JSESSIONID=8F1C2B7E0A4D6E3F9B5C1A2D7E8F0A3B; Path=/struts2-showcase; HttpOnly");
    }
    return HttpReply.html(404, "<html><head><title>Apache Tomcat/7.0.94 - Error report</title></head><body><h1>HTTP Status 404 - "
        + FileDownloadDecoy.htmlEscape(Excerpts.printable(path, 200)) + "</h1><h3>Apache Tomcat/7.0.94</h3></body></html>");
  }
}
