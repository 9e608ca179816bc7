package dev.moat.e2e.scan.target;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.target.CrawlLimits;
import dev.moat.scan.target.Crawler;
import dev.moat.testing.scan.CheckHarness;
import dev.moat.testing.vulnapp.AppResponse;
import dev.moat.testing.vulnapp.AppRoutes;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.VulnerableRoutes;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The crawler against the real vulnerable app over HTTP (through {@link CheckHarness}, a real in-scope client),
 * and against hostile pages served by the same app: 10,000 links, a redirect loop, a huge body, links out of scope.
 */
class CrawlerTest {

  /** Hostile and tricky pages, served on 127.0.0.1 by the test app. */
  static final class HostileRoutes implements VulnerableRoutes {
    private final URI other;

    HostileRoutes(URI other) {
      this.other = other;
    }

    @Override
    public void register(AppRoutes routes) {
      StringBuilder many = new StringBuilder("<html><body>");
      for (int i = 0; i < 10_000; i++) {
        many.append("<a href=\"/h/many/").append(i).append("\">").append(i).append("</a>");
      }
      routes.handle("GET", "/h/many", r -> AppResponse.html(many + "</body></html>"));
      routes.handle("GET", "/h/many/**", r -> AppResponse.html("<html><body>leaf</body></html>"));
      routes.handle("GET", "/h/loop-a", r -> AppResponse.redirect("/h/loop-b"));
      routes.handle("GET", "/h/loop-b", r -> AppResponse.redirect("/h/loop-a"));
      String huge = "<html><body><a href=\"/h/early\">early</a>" + "<p>filler</p>".repeat(500_000) + "<a href=\"/h/late\">late</a></body></html>";
      routes.handle("GET", "/h/huge", r -> AppResponse.html(huge));
      routes.handle("GET", "/h/early", r -> AppResponse.html("<html>early</html>"));
      routes.handle("GET", "/h/late", r -> AppResponse.html("<html>late</html>"));
      routes.handle("GET", "/h/data.json", r -> AppResponse.json("{\"html\": \"<a href='/h/from-json'>x</a>\"}"));
      routes.handle("GET", "/h/based/**", r -> AppResponse.html("<html>based</html>"));
      routes.handle("GET", "/h/start", r -> AppResponse.html("<html><head><base href=\"/h/based/\"></head><body>"
          + "<a href=\"page?x=1#frag\">rel</a><a href=\"page?x=2\">same shape</a><a href=\"page?x=3&y=4\">other shape</a>"
          + "<a href=\"" + other + "/secret\">out of scope</a><a href=\"mailto:a@b.c\">mail</a><a href=\"javascript:alert(1)\">js</a>"
          + "<a href=\"/h/loop-a\">loop</a><a href=\"/h/many\">many</a><a href=\"/h/huge\">huge</a><a href=\"/h/data.json\">json</a>"
          + "<iframe src=\"/h/framed\"></iframe><a href=\"/h/frames\">frames</a>"
          + "<map><area href=\"/h/area\"></map><link rel=\"alternate\" href=\"/h/alt\">"
          + "<form action=\"/h/search\"><input name=\"q\" value=\"shoes\"><select name=\"sort\"><option value=\"asc\">a</option>"
          + "<option value=\"desc\" selected>d</option></select><input type=\"submit\" value=\"go\"></form>"
          + "<form method=\"POST\" action=\"/h/upload\" enctype=\"multipart/form-data\"><input type=\"file\" name=\"doc\">"
          + "<textarea name=\"note\">hello</textarea><input type=\"hidden\" name=\"csrf\" value=\"t0k\"></form>"
          + "<form method=\"post\" action=\"/h/login?from=start\"><input name=\"user\" type=\"email\"><input name=\"pw\" type=\"password\">"
          + "<input type=\"checkbox\" name=\"remember\"></form>"
          + "<form method=\"post\" action=\"" + other + "/steal\"><input name=\"x\"></form>"
          + "</body></html>"));
      routes.handle("GET", "/h/frames", r -> AppResponse.html("<html><head></head><frameset><frame src=\"/h/frame2\"></frameset></html>"));
      for (String p : List.of("/h/framed", "/h/frame2", "/h/area", "/h/alt")) {
        routes.handle("GET", p, r -> AppResponse.html("<html>" + p + "</html>"));
      }
    }
  }

  private static Set<String> paths(List<Endpoint> endpoints) {
    return endpoints.stream().map(Endpoint::pathTemplate).collect(Collectors.toSet());
  }

  private static Endpoint find(List<Endpoint> endpoints, String method, String path) {
    return endpoints.stream().filter(e -> e.method().equals(method) && e.pathTemplate().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + method + " " + path + " in " + endpoints.stream().map(Endpoint::key).toList()));
  }

  @Test
  void findsEveryLinkAndFormOfTheVulnerableAppIndex() throws Exception {
    try (VulnerableApp app = VulnerableApp.start()) {
      CheckHarness client = new CheckHarness(app.baseUri());
      String index = new String(client.send(dev.moat.scan.ScanRequest.get(app.baseUri().resolve("/"))).body(), java.nio.charset.StandardCharsets.UTF_8);
      List<Endpoint> found = new Crawler(client, CrawlLimits.defaults().withDepth(1)).crawl(app.baseUri().resolve("/"));
      Matcher links = Pattern.compile("<a href=\"([^\"]+)\"").matcher(index);
      int count = 0;
      while (links.find()) {
        URI link = app.baseUri().resolve(links.group(1).replace("&amp;", "&"));
        Endpoint e = find(found, "GET", link.getRawPath());
        assertThat(e.source()).isEqualTo("crawl");
        if (link.getRawQuery() != null) {
          String name = link.getRawQuery().split("=")[0];
          assertThat(e.parameters(ParameterLocation.QUERY)).extracting(Parameter::name).contains(name);
        }
        count++;
      }
      Matcher forms = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"><input name=\"([^\"]+)\" value=\"([^\"]*)\"").matcher(index);
      while (forms.find()) {
        Endpoint e = find(found, "POST", forms.group(1));
        assertThat(e.parameters(ParameterLocation.FORM_BODY)).contains(Parameter.of(forms.group(2), ParameterLocation.FORM_BODY, forms.group(3)));
        count++;
      }
      assertThat(count).as("links and forms on the index page").isGreaterThan(5);
    }
  }

  @Test
  void hostilePagesAreBoundedAndOutOfScopeLinksAreNeverRequested() throws Exception {
    try (VulnerableApp other = VulnerableApp.start(List.of(), 0)) {
      try (VulnerableApp app = VulnerableApp.start(List.of(new HostileRoutes(other.baseUri())), 0)) {
        CheckHarness client = new CheckHarness(app.baseUri());
        CrawlLimits limits = new CrawlLimits(3, 40, 300, 2, 500, 2_000_000);
        Crawler.Result result = new Crawler(client, limits).crawlWithCounts(app.baseUri().resolve("/h/start"));
        List<Endpoint> found = result.endpoints();

        assertThat(other.requestCount()).as("requests to the out-of-scope origin").isZero();
        assertThat(result.outOfScopeSkipped()).isGreaterThanOrEqualTo(2);
        assertThat(found).noneMatch(e -> e.server().getPort() == other.baseUri().getPort());

        // the page budget holds although the site offers 10,000 links; one page yields at most maxLinksPerPage links
        assertThat(result.pagesFetched()).isLessThanOrEqualTo(40);
        assertThat(client.requestsSent()).isLessThanOrEqualTo(40 * 11); // a page plus at most 10 redirects
        assertThat(found.stream().filter(e -> e.pathTemplate().startsWith("/h/many/")).count()).isBetween(1L, 300L);
        // the redirect loop was visited and is bounded by the client's redirect cap
        assertThat(paths(found)).contains("/h/loop-a");

        // <base href> resolves relative links; fragments are dropped; query variants per path are capped
        List<Endpoint> based = found.stream().filter(e -> e.pathTemplate().equals("/h/based/page")).toList();
        assertThat(based).hasSize(2);
        assertThat(based.get(0).parameters()).containsExactly(Parameter.of("x", ParameterLocation.QUERY, "1"));
        assertThat(based.get(1).parameters()).extracting(Parameter::name).containsExactly("x", "y");

        assertThat(paths(found)).contains("/h/framed", "/h/frame2", "/h/area", "/h/alt", "/h/early", "/h/data.json");
        assertThat(paths(found)).doesNotContain("/h/from-json"); // a JSON response is not parsed as HTML
        // the huge page is read only up to the client's body cap: the link at its end is never seen
        assertThat(paths(found)).doesNotContain("/h/late");

        Endpoint search = find(found, "GET", "/h/search");
        assertThat(search.parameters()).containsExactly(Parameter.of("q", ParameterLocation.QUERY, "shoes"),
            Parameter.of("sort", ParameterLocation.QUERY, "desc"));
        Endpoint upload = find(found, "POST", "/h/upload");
        assertThat(upload.bodyMediaType()).isEqualTo("multipart/form-data");
        assertThat(upload.parameters(ParameterLocation.MULTIPART_BODY)).extracting(Parameter::name, Parameter::value, Parameter::isFile)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("doc", "moat test file", true),
                org.assertj.core.groups.Tuple.tuple("note", "hello", false), org.assertj.core.groups.Tuple.tuple("csrf", "t0k", false));
        Endpoint login = find(found, "POST", "/h/login");
        assertThat(login.parameters(ParameterLocation.QUERY)).containsExactly(Parameter.of("from", ParameterLocation.QUERY, "start"));
        assertThat(login.parameters(ParameterLocation.FORM_BODY)).extracting(Parameter::name, Parameter::value)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("user", "moat@example.com"), org.assertj.core.groups.Tuple.tuple("pw", "moat"),
                org.assertj.core.groups.Tuple.tuple("remember", "on"));
        // forms are recorded, not submitted
        assertThat(app.requestCount()).isEqualTo(client.requestsSent());
      }
    }
  }

  @Test
  void depthZeroFetchesOnlyTheStartPage() throws Exception {
    try (VulnerableApp app = VulnerableApp.start(List.of(new HostileRoutes(URI.create("http://127.0.0.1:9"))), 0)) {
      CheckHarness client = new CheckHarness(app.baseUri());
      Crawler.Result result = new Crawler(client, CrawlLimits.defaults().withDepth(0)).crawlWithCounts(app.baseUri().resolve("/h/start"));
      assertThat(result.pagesFetched()).isEqualTo(1);
      assertThat(client.requestsSent()).isEqualTo(1);
      assertThat(paths(result.endpoints())).contains("/h/start", "/h/many", "/h/search");
    }
  }
}
