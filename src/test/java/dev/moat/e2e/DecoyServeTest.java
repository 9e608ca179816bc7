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

/**
 * {@code moat decoy serve} from the shaded jar (Netty and MINA SSHD inside it): ports printed, curl and the OpenSSH
 * client answered, alerts on stdout, SIGTERM ends it.
 */
class DecoyServeTest {

  @TempDir Path dir;

  private Process serve(Path config) throws java.io.IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        MoatProcess.jar().toString(), "decoy", "serve", "--config", config.toString(), "--spool", dir.resolve("spool").toString())
        .redirectOutput(dir.resolve("stdout").toFile()).start();
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Test
  void anSshDecoyFromTheConfigTakesItsOwnWeakCredentialsAndAlertsOnEveryCommand() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/sshpass")),
        "needs the OpenSSH client and sshpass (apt-get install openssh-client sshpass, as .ci/run does)");
    int port = freePort();
    Path config = dir.resolve("ssh.yaml");
    Files.writeString(config, """
        decoys:
          - name: bastion
            type: ssh
            port: %d
            credentials: ["deploy:hunter2"]
        """.formatted(port));
    Process moat = serve(config);
    try (BufferedReader err = new BufferedReader(new InputStreamReader(moat.getErrorStream(), StandardCharsets.UTF_8))) {
      assertThat(err.readLine()).isEqualTo("decoy bastion (ssh) listening on 127.0.0.1:" + port);
      List<String> ssh = List.of("sshpass", "-p", "%s", "ssh", "-F", "/dev/null", "-p", Integer.toString(port), "-o", "StrictHostKeyChecking=no",
          "-o", "UserKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
          "-o", "NumberOfPasswordPrompts=1", "-o", "LogLevel=ERROR", "%s@127.0.0.1", "id");
      MoatProcess.Result weak = MoatProcess.exec(ssh.stream().map(a -> a.equals("%s") ? "hunter2" : a.equals("%s@127.0.0.1") ? "deploy@127.0.0.1" : a).toList(),
          java.util.Map.of(), dir, 60);
      assertThat(weak.stdout()).startsWith("uid=");
      MoatProcess.Result builtIn = MoatProcess.exec(ssh.stream().map(a -> a.equals("%s") ? "root" : a.equals("%s@127.0.0.1") ? "root@127.0.0.1" : a).toList(),
          java.util.Map.of(), dir, 60);
      assertThat(builtIn.exitCode()).as("the config's credentials replace the built-in ones").isNotZero();
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(moat.pid())).start().waitFor()).isZero();
      assertThat(moat.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      moat.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(dir.resolve("stdout"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"moat.action\":\"ssh.login_success\"").contains("\"moat.decoy.name\":\"bastion\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"moat.action\":\"ssh.login_failed\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"moat.action\":\"ssh.command\"").contains("id"));
  }

  @Test
  void serveAnswersCurlPrintsAlertsAsJsonLinesAndStopsOnSigterm() throws Exception {
    int port = freePort();
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
    Process moat = serve(config);
    List<String> lines = new ArrayList<>();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(moat.getErrorStream(), StandardCharsets.UTF_8))) {
      String first = err.readLine();
      assertThat(first).as("the ports go to stderr; stdout is only alerts")
          .isEqualTo("decoy payments-admin (http) listening on 127.0.0.1:" + port);

      MoatProcess.Result curl = MoatProcess.exec(List.of("curl", "-s", "-i", "--max-time", "20", "http://127.0.0.1:" + port + "/admin/x"),
          java.util.Map.of(), dir, 30);
      assertThat(curl.stdout()).startsWith("HTTP/1.1 403").endsWith("Forbidden\n");

      // SIGTERM with kill(1): Process.destroy() would also close our end of its stdout
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(moat.pid())).start().waitFor()).isZero();
      assertThat(moat.waitFor(60, TimeUnit.SECONDS)).isTrue();
      lines.addAll(Files.readAllLines(dir.resolve("stdout")));
      String line;
      StringBuilder rest = new StringBuilder();
      while ((line = err.readLine()) != null) {
        rest.append(line).append('\n');
      }
      assertThat(rest.toString()).doesNotContain("Exception");
    } finally {
      moat.destroyForcibly();
    }
    assertThat(moat.exitValue()).isEqualTo(143);
    assertThat(lines).as("Falco JSON lines on stdout").allSatisfy(l -> assertThat(l).startsWith("{").contains("\"output_fields\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"moat.action\":\"http.admin_probe\"").contains("\"priority\":\"Error\"")
        .contains("\"moat.decoy.name\":\"payments-admin\"").contains("\"fd.cip\":\"127.0.0.1\""));
  }
}
