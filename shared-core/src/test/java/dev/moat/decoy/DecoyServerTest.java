package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The runtime's limits, on real sockets on 127.0.0.1. */
class DecoyServerTest {

  private final List<Alert> alerts = new CopyOnWriteArrayList<>();

  private static DecoyServer.Listener redis() {
    return new DecoyServer.Listener(new DecoyIdentity("cache", "redis", null, null), new RedisDecoy(), "127.0.0.1", 0);
  }

  private static String ping(Socket socket) throws Exception {
    socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] answer = new byte[7];
    int n = socket.getInputStream().readNBytes(answer, 0, 7);
    return new String(answer, 0, n, StandardCharsets.US_ASCII);
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnceAndTheOthersKeepWorking() throws Exception {
    try (DecoyServer server = new DecoyServer(new DecoyLimits(3, Duration.ofSeconds(30), 1 << 20), alerts::add, Clock.systemUTC())) {
      int port = server.start(List.of(redis())).get("cache");
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket s = new Socket("127.0.0.1", port);
          s.setSoTimeout(10_000);
          assertThat(ping(s)).isEqualTo("+PONG\r\n");
          open.add(s);
        }
        try (Socket extra = new Socket("127.0.0.1", port)) {
          extra.setSoTimeout(10_000);
          assertThat(extra.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
        assertThat(ping(open.get(0))).isEqualTo("+PONG\r\n");
        assertThat(server.openConnections()).isEqualTo(3);
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
    }
  }

  @Test
  void aSilentClientIsCutAfterTheIdleTimeout() throws Exception {
    try (DecoyServer server = new DecoyServer(new DecoyLimits(100, Duration.ofMillis(300), 1 << 20), alerts::add, Clock.systemUTC())) {
      int port = server.start(List.of(redis())).get("cache");
      try (Socket slow = new Socket("127.0.0.1", port)) {
        slow.setSoTimeout(20_000);
        slow.getOutputStream().write("*1\r\n$4\r\nPI".getBytes(StandardCharsets.US_ASCII)); // a request that never ends
        InputStream in = slow.getInputStream();
        assertThat(in.read()).as("the decoy hangs up on a slowloris").isEqualTo(-1);
      }
    }
  }

  @Test
  void aClientSendingMoreThanItsByteCapIsCut() throws Exception {
    try (DecoyServer server = new DecoyServer(new DecoyLimits(100, Duration.ofSeconds(30), 64 * 1024), alerts::add, Clock.systemUTC())) {
      int port = server.start(List.of(redis())).get("cache");
      try (Socket flood = new Socket("127.0.0.1", port)) {
        flood.setSoTimeout(20_000);
        byte[] pings = "PING\r\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        try {
          flood.getOutputStream().write(pings);
        } catch (java.io.IOException cut) {
          // cut while writing: expected
        }
        byte[] all = flood.getInputStream().readAllBytes();
        assertThat(all.length).as("answered at most what fit under the cap, then closed").isLessThan(20_000 * 7);
      } catch (java.net.SocketException reset) {
        // reset by the decoy: also a cut
      }
    }
  }

  @Test
  void aPortInUseIsAClearErrorAndNothingIsLeftListening() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      DecoyServer server = new DecoyServer(DecoyLimits.defaults(), alerts::add, Clock.systemUTC());
      DecoyServer.Listener onTaken = new DecoyServer.Listener(new DecoyIdentity("cache", "redis", null, null), new RedisDecoy(), "127.0.0.1",
          taken.getLocalPort());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.start(List.of(onTaken)))
          .isInstanceOfSatisfying(dev.moat.MoatException.class, e -> assertThat(e.getMessage()).contains("cache", "127.0.0.1:" + taken.getLocalPort()));
    }
  }
}
