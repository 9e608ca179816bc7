package dev.moat.scan.target;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.moat.scan.Endpoint;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanScope;
import dev.moat.scan.engine.ClientSettings;
import dev.moat.scan.engine.HttpScanClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The crawler against a real server: links and forms found, the scope and every limit held on hostile pages. */
class CrawlerTest {

  private HttpServer server;
  private final List<String> requested = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requested.add(exchange.getRequestURI().toString());
      String body;
      int status = 200;
      if (path.equals("/")) {
        body = "<html><body><a href='/about#team'>About</a> <a href='http://203.0.113.5/steal'>elsewhere</a> <a href='/loop'>loop</a>"
            + "<a href='/many'>many</a><a href='/calendar?day=1'>cal</a><iframe src='/frame'></iframe>"
            + "<form action='/search'><input name='q' value='shoes'><select name='sort'><option>price</option><option selected value='name'>n</option></select></form>"
            + "<form method='post' action='/upload' enctype='multipart/form-data'><input type='file' name='doc'><textarea name='note'>hi</textarea></form>"
            + "<form method='post' action='http://203.0.113.5/login'><input name='user'></form></body></html>";
      } else if (path.equals("/loop")) {
        exchange.getResponseHeaders().add("Location", "/loop");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
        return;
      } else if (path.equals("/many")) {
        StringBuilder sb = new StringBuilder("<html>");
        for (int i = 0; i < 10_000; i++) {
          sb.append("<a href='/item/").append(i).append("'>").append(i).append("</a>");
        }
        body = sb.append("</html>").toString();
      } else if (path.equals("/calendar")) {
        String day = exchange.getRequestURI().getQuery();
        int d = Integer.parseInt(day.substring(4));
        body = "<a href='/calendar?day=" + (d + 1) + "'>next</a>";
      } else if (path.equals("/frame")) {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        body = "{\"a\": \"<a href='/hidden'>x</a>\"}";
      } else {
        body = "<html>page " + path + "</html>";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
        exchange.getResponseHeaders().add("Content-Type", "text/html");
      }
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Test
  void findsLinksAndFormsWithinScopeAndLimits() throws Exception {
    try (HttpScanClient client = new HttpScanClient(ScanScope.of(List.of(base()), null), ClientSettings.defaults())) {
      Crawler.Result result = new Crawler(client, 3, 60).crawl(base());
      List<Endpoint> endpoints = result.endpoints();
      Endpoint search = endpoints.stream().filter(e -> e.pathTemplate().equals("/search")).findFirst().orElseThrow();
      assertThat(search.method()).isEqualTo("GET");
      assertThat(search.parameters()).extracting(p -> p.name() + "=" + p.value() + "@" + p.location()).containsExactly("q=shoes@QUERY", "sort=name@QUERY");
      Endpoint upload = endpoints.stream().filter(e -> e.pathTemplate().equals("/upload")).findFirst().orElseThrow();
      assertThat(upload.method()).isEqualTo("POST");
      assertThat(upload.parameters(ParameterLocation.MULTIPART_BODY)).hasSize(2);
      assertThat(upload.parameters().get(0).isFile()).isTrue();
      assertThat(endpoints).anyMatch(e -> e.pathTemplate().equals("/about")).anyMatch(e -> e.pathTemplate().equals("/frame"));
      assertThat(endpoints).noneMatch(e -> e.server().getHost().equals("203.0.113.5"));
      assertThat(endpoints).noneMatch(e -> e.pathTemplate().equals("/hidden"));
      assertThat(requested).noneMatch(r -> r.contains("steal") || r.contains("login"));
      assertThat(requested.stream().filter(r -> r.startsWith("/calendar")).count()).isLessThanOrEqualTo(Crawler.VARIANTS_PER_PATH);
      assertThat(requested.stream().filter(r -> r.equals("/loop")).count()).isEqualTo(11);
      assertThat(result.pagesFetched()).isLessThanOrEqualTo(60);
      assertThat(result.notes()).anyMatch(n -> n.contains("more than " + Crawler.LINKS_PER_PAGE + " links"));
      assertThat(result.notes()).anyMatch(n -> n.contains("page limit of 60"));
    }
  }

  @Test
  void depthZeroFetchesOnlyTheStartPage() throws Exception {
    try (HttpScanClient client = new HttpScanClient(ScanScope.of(List.of(base()), null), ClientSettings.defaults())) {
      Crawler.Result result = new Crawler(client, 0, 100).crawl(base());
      assertThat(result.pagesFetched()).isEqualTo(1);
      assertThat(result.endpoints()).anyMatch(e -> e.pathTemplate().equals("/search"));
    }
  }
}
