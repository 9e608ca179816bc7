package dev.moat.e2e.scan.zap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanScope;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.zap.ZapScanner;
import dev.moat.scan.zap.ZapSettings;
import dev.moat.testing.TempFiles;
import dev.moat.testing.ZapDaemon;
import dev.moat.testing.vulnapp.AppResponse;
import dev.moat.testing.vulnapp.VulnerableApp;
import dev.moat.testing.vulnapp.VulnerableRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ZAP bridge against a real ZAP 2.17 daemon (core + network, commonlib and spider from Maven Central), with a
 * one-rule add-on this test compiles against zap-2.17.0.jar — the scan-rule add-ons are not on Central, so ZAP
 * would otherwise report nothing. The target is the vulnerable test app; a second listener outside the scope
 * proves ZAP is held to the scope the bridge gives it.
 */
class ZapBridgeTest {

  private static Path work;
  private static ZapDaemon zap;
  private static VulnerableApp app;
  private static ServerSocket outside;
  private static final AtomicInteger OUTSIDE_CONNECTIONS = new AtomicInteger();
  private static final List<String> PROGRESS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startZap() throws Exception {
    Path lib = ZapDaemon.runtime().orElse(null);
    assumeTrue(lib != null, ZapDaemon.fetchHint());
    work = Files.createTempDirectory("moat-zap-");
    Path rule = buildRuleAddOn(lib, work);
    outside = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!outside.isClosed()) {
        try (Socket s = outside.accept()) {
          OUTSIDE_CONNECTIONS.incrementAndGet();
          s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    int outsidePort = outside.getLocalPort();
    VulnerableRoutes routes = r -> r
        .handle("GET", "/zap/search", req -> AppResponse.html("<html><body>Results for " + req.param("q") + "</body></html>"))
        .handle("GET", "/zap/safe", req -> AppResponse.html("<html><body>Results for "
            + String.valueOf(req.param("q")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</body></html>"))
        .link("<a href=\"/zap/search?q=hello\">search</a>")
        .link("<a href=\"/zap/safe?q=hello\">safe search</a>")
        .link("<a href=\"http://127.0.0.1:" + outsidePort + "/outside?q=1\">elsewhere</a>");
    app = VulnerableApp.start(List.of(routes), 0);
    zap = ZapDaemon.start(lib, work, List.of(rule));
  }

  @AfterAll
  static void stop() throws IOException {
    if (zap != null) {
      zap.close();
    }
    if (app != null) {
      app.close();
    }
    if (outside != null) {
      outside.close();
    }
    if (work != null) {
      TempFiles.deleteTree(work);
    }
  }

  @Test
  void zapAlertsBecomeMoatFindingsAndZapStaysInScope() throws Exception {
    URI target = app.baseUri().resolve("/");
    ZapScanner scanner = new ZapScanner(ZapSettings.of(zap.apiUrl(), zap.apiKey()), PROGRESS::add, Clock.systemUTC());

    ScanReport report = scanner.scan(target, ScanScope.of(List.of(target), null), null);

    assertThat(report.engine()).isEqualTo("zap");
    assertThat(report.requestsSent()).isPositive();
    assertThat(report.findings()).as("findings: %s, notes: %s", report.findings(), report.notes())
        .filteredOn(f -> f.url().endsWith("/zap/search")).singleElement().satisfies(f -> {
          assertThat(f.type()).isEqualTo(VulnerabilityClass.XSS);
          assertThat(f.severity()).isEqualTo(Severity.HIGH);
          assertThat(f.parameter()).isEqualTo("q");
          assertThat(f.method()).isEqualTo("GET");
          assertThat(f.testMethod().payload()).startsWith("<moatzap");
          assertThat(f.testMethod().detection()).contains("ZAP rule 990001");
        });
    assertThat(report.findings()).extracting(Finding::url).noneMatch(u -> u.endsWith("/zap/safe"));
    assertThat(report.endpoints()).isNotEmpty().allSatisfy(e -> assertThat(e.server().getPort()).isEqualTo(app.baseUri().getPort()));
    assertThat(OUTSIDE_CONNECTIONS.get()).as("requests ZAP sent outside the scope").isZero();
    assertThat(PROGRESS).anyMatch(p -> p.contains("active scan"));
    assertThat(String.join("\n", report.notes() + report.findings().toString())).doesNotContain(zap.apiKey());
  }

  @Test
  void aWrongApiKeyIsAnAuthenticationFailure() {
    ZapScanner scanner = new ZapScanner(ZapSettings.of(zap.apiUrl(), "not-the-key"), PROGRESS::add, Clock.systemUTC());
    URI target = app.baseUri();
    assertThatThrownBy(() -> scanner.scan(target, ScanScope.of(List.of(target), null), null))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.AUTHENTICATION);
          assertThat(e.oneLine()).contains("API key").doesNotContain("not-the-key");
        });
  }

  @Test
  void noZapAtTheAddressIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ZapScanner scanner = new ZapScanner(new ZapSettings(URI.create("http://127.0.0.1:" + port), "k", Duration.ofSeconds(5),
        Duration.ofSeconds(5), Duration.ofMillis(100)), PROGRESS::add, Clock.systemUTC());
    URI target = app.baseUri();
    assertThatThrownBy(() -> scanner.scan(target, ScanScope.of(List.of(target), null), null))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE));
  }

  private static Path buildRuleAddOn(Path lib, Path work) throws IOException {
    Path src = work.resolve("rule-src/dev/moat/zaprule");
    Files.createDirectories(src);
    try (InputStream in = ZapBridgeTest.class.getResourceAsStream("/zap-rule/MarkerReflectionRule.java.txt")) {
      Files.write(src.resolve("MarkerReflectionRule.java"), in.readAllBytes());
    }
    Path classes = work.resolve("rule-classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "--release", "17", "-nowarn", "-cp", lib.resolve("zap-2.17.0.jar").toString(), "-d", classes.toString(),
        src.resolve("MarkerReflectionRule.java").toString());
    assertThat(rc).as("compiling the test rule against zap-2.17.0.jar").isZero();
    byte[] manifest;
    try (InputStream in = ZapBridgeTest.class.getResourceAsStream("/zap-rule/ZapAddOn.xml")) {
      manifest = in.readAllBytes();
    }
    return ZapDaemon.addOn(work.resolve("moattestrule-alpha-1.0.0.zap"), manifest, classes);
  }
}
