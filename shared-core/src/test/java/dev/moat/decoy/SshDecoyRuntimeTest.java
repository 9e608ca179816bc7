package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.decoy.alert.PrometheusMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH decoy inside {@link DecoyServer}: its host key kept in the state directory across restarts (seen by the real
 * {@code ssh-keyscan}), and its connections under the runtime's global cap and connection metrics (real TCP
 * connections).
 */
class SshDecoyRuntimeTest {

  @TempDir Path dir;
  private final RecordingPublisher alerts = new RecordingPublisher();

  @BeforeEach
  void tools() {
    assumeTrue(KubeletTlsTest.onPath("ssh-keyscan"), "needs ssh-keyscan (apt-get install openssh-client, as .ci/run does)");
  }

  private DecoyServer start(Path state, DecoyLimits limits, java.util.function.Consumer<String> onConnection) throws Exception {
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).fromArguments(List.of("ssh:0"));
    return DecoyServer.start(config.served(state), "127.0.0.1", limits, alerts, Clock.systemUTC(), onConnection);
  }

  /** The host key line ssh-keyscan prints for the decoy ({@code [127.0.0.1]:PORT ecdsa-sha2-nistp256 AAAA…}), or "". */
  private String keyscan(int port) throws Exception {
    return keyscan(port, "ecdsa");
  }

  private String lastKeyscanErrors = "";

  private String keyscan(int port, String type) throws Exception {
    Path out = dir.resolve("keyscan-" + System.nanoTime());
    // one key type, so one connection per scan
    Process p = new ProcessBuilder("ssh-keyscan", "-T", "10", "-t", type, "-p", Integer.toString(port), "127.0.0.1").redirectOutput(out.toFile())
        .redirectError(dir.resolve("keyscan.err").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    lastKeyscanErrors = Files.readString(dir.resolve("keyscan.err"));
    return Files.readString(out).strip();
  }

  @Test
  void theHostKeyIsTheSameAfterARestartOnTheSameStateDirectoryAndDiffersOnAnother() throws Exception {
    Path spool = dir.resolve("spool");
    String first;
    try (DecoyServer server = start(spool, DecoyLimits.defaults(), n -> { })) {
      first = keyscan(server.boundPorts().get("ssh"));
    }
    assertThat(first).containsPattern("^\\[127\\.0\\.0\\.1\\]:\\d+ ecdsa-sha2-nistp256 AAAA");
    Path keyFile = spool.resolve("ssh-host-key-ssh");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(Files.readString(keyFile)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    String again;
    try (DecoyServer server = start(spool, DecoyLimits.defaults(), n -> { })) {
      again = keyscan(server.boundPorts().get("ssh"));
    }
    String other;
    try (DecoyServer server = start(dir.resolve("other-spool"), DecoyLimits.defaults(), n -> { })) {
      other = keyscan(server.boundPorts().get("ssh"));
    }
    assertThat(key(again)).as("same state directory, same host key").isEqualTo(key(first));
    assertThat(key(other)).as("another state directory, another host key").isNotEqualTo(key(first));
  }

  private static String key(String keyscanLine) {
    String[] parts = keyscanLine.split(" ");
    assertThat(parts).hasSize(3);
    return parts[2];
  }

  @Test
  void anOperatorsHostKeyFileIsServedAsItIs() throws Exception {
    assumeTrue(KubeletTlsTest.onPath("ssh-keygen"), "needs ssh-keygen");
    Process gen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", dir.resolve("host_key").toString())
        .redirectErrorStream(true).start();
    assertThat(gen.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Path yaml = dir.resolve("decoys.yaml");
    Files.writeString(yaml, "decoys:\n  - {name: bastion, type: ssh, port: 2222, hostKey: host_key}\n");
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).read(yaml);
    List<ServedDecoy> served = config.served(dir.resolve("spool")).stream().map(s -> new ServedDecoy(s.identity(), s.emulator(), 0)).toList();
    try (DecoyServer server = DecoyServer.start(served, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC())) {
      String line = keyscan(server.boundPorts().get("bastion"), "ed25519");
      assertThat(line).contains(" ssh-ed25519 ");
      assertThat(key(line)).isEqualTo(Files.readString(dir.resolve("host_key.pub")).split(" ")[1]);
    }
    assertThat(dir.resolve("spool").resolve("ssh-host-key-bastion")).as("no state file for an operator's key").doesNotExist();
  }

  @Test
  void aHostKeyFileThatIsNotAKeyIsAnErrorNamingTheField() throws Exception {
    Files.writeString(dir.resolve("host_key"), "hunter2 is my password\n");
    Path yaml = dir.resolve("decoys.yaml");
    Files.writeString(yaml, "decoys:\n  - name: bastion\n    type: ssh\n    hostKey: host_key\n");
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> new DecoyConfigReader(DecoyCatalog.builtIn()).read(yaml));
    assertThat(thrown).hasMessageStartingWith("decoys.yaml:4: decoys[0].hostKey: ").hasMessageNotContaining("hunter2");
    Files.writeString(yaml, "decoys:\n  - name: cache\n    type: redis\n    hostKey: host_key\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new DecoyConfigReader(DecoyCatalog.builtIn()).read(yaml)))
        .hasMessage("decoys.yaml:4: decoys[0].hostKey: only ssh decoys take a hostKey");
  }

  @Test
  void sshConnectionsCountAgainstTheGlobalCapAndInTheConnectionMetric() throws Exception {
    PrometheusMetrics metrics = new PrometheusMetrics();
    int cap = 2;
    try (DecoyServer server = start(dir.resolve("spool"), DecoyLimits.defaults().withMaxConnections(cap), metrics::connectionOpened)) {
      int port = server.boundPorts().get("ssh");
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < cap; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
          s.setSoTimeout(20_000);
          assertThat(line(s.getInputStream())).as("connection %d is served", i + 1).startsWith("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6");
          open.add(s);
        }
        assertThat(server.openConnections()).isEqualTo(cap);
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), port)) {
          refused.setSoTimeout(20_000);
          assertThat(readAll(refused.getInputStream())).as("the connection beyond the cap is closed before any SSH greeting").doesNotContain("SSH-2.0");
        }
        assertThat(keyscan(port)).as("ssh-keyscan is refused too while the cap is reached").isEmpty();
        open.remove(0).close();
        awaitOpen(server, cap - 1);
        assertThat(keyscan(port)).as("below the cap again (%s)", lastKeyscanErrors).contains("ecdsa-sha2-nistp256");
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      awaitOpen(server, 0);
      // 2 served, 1 refused, 1 refused keyscan, 1 served keyscan: every accepted connection counts, as for the Netty decoys
      assertThat(metrics.render()).contains("moat_decoy_connections_total{decoy=\"ssh\"} 5");
    }
    assertThat(alerts.alerts()).as("a refused connection alerts nothing").isEmpty();
  }

  @Test
  void aLoggedInSessionThatGoesSilentIsClosedAfterServesIdleTimeout() throws Exception {
    assumeTrue(KubeletTlsTest.onPath("sshpass") && KubeletTlsTest.onPath("ssh"), "needs ssh and sshpass (apt-get install openssh-client sshpass)");
    try (DecoyServer server = start(dir.resolve("spool"), DecoyLimits.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30)), n -> { })) {
      int port = server.boundPorts().get("ssh");
      // an interactive shell (-tt) whose stdin stays open and silent: only the decoy's idle timeout can end it
      Process ssh = new ProcessBuilder("sshpass", "-p", "root", "ssh", "-tt", "-F", "/dev/null", "-p", Integer.toString(port),
          "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password",
          "-o", "PubkeyAuthentication=no", "-o", "LogLevel=ERROR", "root@127.0.0.1").redirectErrorStream(true).start();
      try {
        // MINA's own default (5 minutes) would outlast this wait
        assertThat(ssh.waitFor(120, TimeUnit.SECONDS)).as("the decoy closed the silent session").isTrue();
        assertThat(alerts.alerts()).extracting(Alert::action).contains("ssh.login_success");
      } finally {
        ssh.destroyForcibly();
      }
    }
  }

  private static void awaitOpen(DecoyServer server, int expected) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.openConnections() != expected && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(server.openConnections()).isEqualTo(expected);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.append((char) c);
    }
    return b.toString();
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException reset) {
      return "";
    }
  }
}
