package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MoatProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moat decoy serve} from the shaded jar (Netty inside it): ports printed, curl answered, alerts on stdout, SIGTERM ends it. */
class DecoyServeTest {

  @TempDir Path dir;

  @Test
  void serveAnswersCurlPrintsAlertsAsJsonLinesAndStopsOnSigterm() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, """
        decoys:
          - name: payments-admin
            type: http
            port: %d
            routes:
              - path: /admin/**
                status: 403
                body: "Forbidden\\n"
                alert: {severity: high, action: http.admin_probe}
        """.formatted(port));
    Process moat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        MoatProcess.jar().toString(), "decoy", "serve", "--config", config.toString())
        .redirectError(dir.resolve("stderr").toFile()).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(moat.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("stderr: %s", Files.readString(dir.resolve("stderr")))
          .isEqualTo("decoy payments-admin (http) listening on 127.0.0.1:" + port);

      MoatProcess.Result curl = MoatProcess.exec(List.of("curl", "-s", "-i", "--max-time", "20", "http://127.0.0.1:" + port + "/admin/x"),
          java.util.Map.of(), dir, 30);
      assertThat(curl.stdout()).startsWith("HTTP/1.1 403").endsWith("Forbidden\n");

      // SIGTERM with kill(1): Process.destroy() would also close our end of its stdout
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(moat.pid())).start().waitFor()).isZero();
      assertThat(moat.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
      }
    } finally {
      moat.destroyForcibly();
    }
    assertThat(moat.exitValue()).isEqualTo(143);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"action\":\"http.admin_probe\"").contains("\"severity\":\"high\"")
        .contains("\"decoy\":\"payments-admin\"").contains("\"source_ip\":\"127.0.0.1\""));
    assertThat(Files.readString(dir.resolve("stderr"))).doesNotContain("Exception");
  }
}
