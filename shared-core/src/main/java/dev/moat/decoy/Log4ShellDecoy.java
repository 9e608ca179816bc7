package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Java web app (an Apache Solr admin UI) that logs everything it is sent. A {@code ${jndi:…}} lookup anywhere in
 * the request — path, query, any header, body — raises {@code http.log4shell} with the callback host; the decoy never
 * resolves or connects to it.
 */
public final class Log4ShellDecoy implements HttpEmulator {

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("log4shell", "remote command execution", "Apache Solr 8.11.0 admin UI (Log4j 2.14.1)", 8983,
        List.of("http.log4shell (CRITICAL, T1190): ${jndi:…} in any header, parameter, path or body, obfuscated or not; fields.callback_host"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    return Map.of("X-Frame-Options", "DENY", "Content-Security-Policy", "default-src 'none'; base-uri 'none'; connect-src 'self'");
  }

  /** The first JNDI lookup anywhere in the request, for this decoy and for any other HTTP decoy. */
  public static Optional<Log4ShellDetector.Finding> scan(HttpRequestView request) {
    Optional<Log4ShellDetector.Finding> finding = Log4ShellDetector.find(request.rawTarget());
    if (finding.isEmpty()) {
      finding = Log4ShellDetector.find(request.path());
    }
    for (Map.Entry<String, List<String>> p : request.query().entrySet()) {
      for (String v : p.getValue()) {
        finding = finding.or(() -> Log4ShellDetector.find(p.getKey() + "=" + v));
      }
    }
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      for (String v : h.getValue()) {
        finding = finding.or(() -> Log4ShellDetector.find(v));
      }
    }
    if (finding.isEmpty() && request.body().length > 0) {
      String body = new String(request.body(), StandardCharsets.UTF_8);
      finding = Log4ShellDetector.find(body).or(() -> Log4ShellDetector.find(Decoding.percentDecode(body, true)));
    }
    return finding;
  }

  /** Raises {@code http.log4shell} when the request holds a JNDI lookup; the runtime calls it for every HTTP decoy. */
  static void alertOnLookup(HttpRequestView request, Interaction interaction) {
    scan(request).ifPresent(f -> interaction.alert("http.log4shell", AlertSeverity.CRITICAL, "T1190", Excerpts.printable("${jndi:" + f.uri() + "}", 256),
        Map.of("callback_host", Excerpts.printable(f.callbackHost(), 256), "jndi_uri", Excerpts.printable(f.uri(), 256))));
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    // the http.log4shell alert is raised by the runtime for every HTTP decoy (HttpDecoyHandler.answer), this one too
    String path = request.path();
    if (path.startsWith("/solr/admin/info/system")) {
      return HttpReply.json(200, "{\"responseHeader\":{\"status\":0,\"QTime\":3},\"mode\":\"std\",\"solr_home\":\"/var/solr/data\","
          + "\"lucene\":{\"solr-spec-version\":\"8.11.0\",\"lucene-spec-version\":\"8.11.0\"},\"jvm\":{\"version\":\"11.0.13 11.0.13+8\",\"name\":\"Eclipse Adoptium OpenJDK 64-Bit Server VM\"}}");
    }
    if (path.startsWith("/solr/admin/cores")) {
      return HttpReply.json(200, "{\"responseHeader\":{\"status\":0,\"QTime\":1},\"initFailures\":{},\"status\":{\"orders\":{\"name\":\"orders\",\"instanceDir\":\"/var/solr/data/orders\"}}}");
    }
    if (path.equals("/") || path.startsWith("/solr")) {
      return HttpReply.html(200, "<!DOCTYPE html><html ng-app=\"solrAdminApp\"><head><title>Solr Admin</title>"
          + "<link rel=\"icon\" type=\"image/x-icon\" href=\"img/favicon.ico?_=8.11.0\"></head><body><div id=\"wrapper\">"
          + "<div id=\"header\"><a href=\"./\" id=\"solr\"><span>Apache SOLR</span></a></div><div id=\"main\" ng-view></div></div></body></html>");
    }
    return HttpReply.html(404, "<html><head><title>Error 404 Not Found</title></head><body><h2>HTTP ERROR 404 Not Found</h2></body></html>");
  }
}
