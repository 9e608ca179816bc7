package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generic decoys of decoys.yaml, served on 127.0.0.1 and reached by curl and a raw socket. */
class GenericDecoyTest {

  static final String CONFIG = """
      decoys:
        - name: payments-admin
          type: http
          port: 8080
          serverHeaders: {Server: nginx/1.24.0}
          routes:
            - method: GET
              path: /admin/**
              status: 401
              headers: {WWW-Authenticate: 'Basic realm="admin"', X-Frame-Options: DENY}
              body: "Unauthorized\\n"
              alert: {severity: high, action: http.admin_probe}
            - method: POST
              path: /api/*/login
              status: 200
              headers: {Content-Type: application/json}
              body: '{"token":"x"}'
              alert: {severity: medium}
            - path: /health
              status: 200
              body: ok
        - name: legacy-ftp
          type: tcp-banner
          port: 2121
          banner: "220 ProFTPD 1.3.5 Server ready.\\r\\n"
          replies:
            - match: "USER .*"
              reply: "331 Password required\\r\\n"
          alert: {severity: medium, action: ftp.command}
      """;

  @TempDir Path dir;
  RecordingPublisher alerts = new RecordingPublisher();
  DecoyServer server;
  int http;
  int banner;

  @BeforeEach
  void start() throws Exception {
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).parse("decoys.yaml", CONFIG);
    List<ServedDecoy> ephemeral = config.served().stream().map(s -> new ServedDecoy(s.identity(), s.emulator(), 0)).toList();
    server = DecoyServer.start(ephemeral, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC());
    http = server.boundPorts().get("payments-admin");
    banner = server.boundPorts().get("legacy-ftp");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void curlGetsTheConfiguredStatusHeadersAndBodyAndTheRouteAlerts() throws Exception {
    Path headers = dir.resolve("headers");
    String body = curl("-s", "-D", headers.toString(), "http://127.0.0.1:" + http + "/admin/users/1?debug=1");

    assertThat(body).isEqualTo("Unauthorized\n");
    String head = Files.readString(headers);
    assertThat(head).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Basic realm=\"admin\"").contains("X-Frame-Options: DENY")
        .contains("Server: nginx/1.24.0").contains("Content-Length: 13").contains("Date: ");
    Alert alert = alerts.await(a -> a.action().equals("http.admin_probe"));
    assertThat(alert.severity()).isEqualTo(AlertSeverity.HIGH);
    assertThat(alert.decoyName()).isEqualTo("payments-admin");
    assertThat(alert.decoyType()).isEqualTo("http");
    assertThat(alert.sourceIp()).isEqualTo("127.0.0.1");
    assertThat(alert.excerpt()).isEqualTo("GET /admin/users/1?debug=1");
    assertThat(alert.fields()).containsEntry("path", "/admin/users/1");
  }

  @Test
  void aSegmentGlobMatchesOneSegmentAndARouteWithoutActionAlertsAsHttpRequest() throws Exception {
    assertThat(curl("-s", "-X", "POST", "-d", "user=admin", "http://127.0.0.1:" + http + "/api/v2/login")).isEqualTo("{\"token\":\"x\"}");
    Alert alert = alerts.await(a -> a.severity() == AlertSeverity.MEDIUM);
    assertThat(alert.action()).isEqualTo("http.request");

    assertThat(curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://127.0.0.1:" + http + "/api/v2/x/login"))
        .isEqualTo("404");
  }

  @Test
  void everyTouchAlertsEvenWhereNoRouteAsksForIt() throws Exception {
    assertThat(curl("-s", "http://127.0.0.1:" + http + "/health")).isEqualTo("ok");
    assertThat(curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + http + "/wp-login.php")).isEqualTo("404");

    assertThat(alerts.await(a -> "/health".equals(a.fields().get("path"))).severity()).isEqualTo(AlertSeverity.INFO);
    Alert unknown = alerts.await(a -> "/wp-login.php".equals(a.fields().get("path")));
    assertThat(unknown.action()).isEqualTo("http.request");
    assertThat(unknown.fields()).containsEntry("status", "404");
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    String out = curl("-s", "-v", "http://127.0.0.1:" + http + "/health", "http://127.0.0.1:" + http + "/health");
    assertThat(out).isEqualTo("okok");
  }

  @Test
  void theBannerDecoyGreetsAnswersCannedLinesAndAlertsOnConnectAndEveryLine() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", banner)) {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      assertThat(readLine(in)).isEqualTo("220 ProFTPD 1.3.5 Server ready.");
      OutputStream out = socket.getOutputStream();
      out.write("USER root\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readLine(in)).isEqualTo("331 Password required");
      out.write("PASS toor\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      alerts.await(a -> a.excerpt().equals("PASS toor"));
    }
    assertThat(alerts.await(a -> a.action().equals("tcp.connect")).severity()).isEqualTo(AlertSeverity.INFO);
    Alert line = alerts.await(a -> a.excerpt().equals("USER root"));
    assertThat(line.action()).isEqualTo("ftp.command");
    assertThat(line.severity()).isEqualTo(AlertSeverity.MEDIUM);
    assertThat(line.protocol()).isEqualTo("tcp");
  }

  static String readLine(InputStream in) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  static String curl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("curl", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }
}
