package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.testing.MoatProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat decoy serve} from the shaded jar, run and stopped twice: the SSH decoy's host key, kept in the alert spool,
 * is the same to the real {@code ssh-keyscan} after a restart on the same {@code --spool} and different on another; the
 * kubelet decoy answers curl over HTTPS.
 */
class DecoyServeStateTest {

  @TempDir Path dir;

  private static int freePort() throws java.io.IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  /** Serves {@code --decoy ssh:PORT --decoy kubelet:PORT2} on a spool, runs {@code during} while it listens, stops it with SIGTERM. */
  private void serve(Path spool, int sshPort, int kubeletPort, ThrowingRunnable during) throws Exception {
    Process moat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", MoatProcess.jar().toString(),
        "decoy", "serve", "--decoy", "ssh:" + sshPort, "--decoy", "kubelet:" + kubeletPort, "--spool", spool.toString(), "--alert-stdout", "none")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(moat.getErrorStream(), StandardCharsets.UTF_8))) {
      assertThat(err.readLine()).isEqualTo("decoy ssh (ssh) listening on 127.0.0.1:" + sshPort);
      assertThat(err.readLine()).isEqualTo("decoy kubelet (kubelet) listening on 127.0.0.1:" + kubeletPort);
      during.run();
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(moat.pid())).start().waitFor()).isZero();
      assertThat(moat.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      moat.destroyForcibly();
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private String fingerprint(int port) throws Exception {
    MoatProcess.Result scan = MoatProcess.exec(List.of("ssh-keyscan", "-T", "10", "-t", "ecdsa", "-p", Integer.toString(port), "127.0.0.1"), Map.of(), dir, 60);
    assertThat(scan.stdout()).contains("ecdsa-sha2-nistp256");
    Path keys = dir.resolve("keys-" + System.nanoTime());
    Files.writeString(keys, scan.stdout());
    MoatProcess.Result print = MoatProcess.exec(List.of("ssh-keygen", "-l", "-f", keys.toString()), Map.of(), dir, 60);
    assertThat(print.stdout()).containsPattern("256 SHA256:\\S+ \\[127\\.0\\.0\\.1\\]:\\d+ \\(ECDSA\\)");
    return print.stdout().split(" ")[1];
  }

  @Test
  void theSshHostKeySurvivesARestartOnTheSameSpoolAndTheKubeletSpeaksHttps() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keyscan")) && Files.isExecutable(Path.of("/usr/bin/curl")),
        "needs ssh-keyscan (openssh-client) and curl, as .ci/run installs them");
    Path spool = dir.resolve("spool");
    String[] seen = new String[3];
    int ssh = freePort();
    int kubelet = freePort();
    serve(spool, ssh, kubelet, () -> {
      seen[0] = fingerprint(ssh);
      MoatProcess.Result pods = MoatProcess.exec(List.of("curl", "-s", "-k", "https://127.0.0.1:" + kubelet + "/pods"), Map.of(), dir, 60);
      assertThat(pods.stdout()).contains("\"kind\":\"PodList\"");
    });
    serve(spool, ssh, kubelet, () -> seen[1] = fingerprint(ssh));
    serve(dir.resolve("another-spool"), ssh, kubelet, () -> seen[2] = fingerprint(ssh));
    assertThat(seen[1]).as("same --spool, same host key").isEqualTo(seen[0]);
    assertThat(seen[2]).as("another --spool, another host key").isNotEqualTo(seen[0]);
    assertThat(Files.getPosixFilePermissions(spool.resolve("ssh-host-key-ssh"))).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }
}
