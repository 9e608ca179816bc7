package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redis emulator fed bytes directly: framing, pipelining, bounds, and the alerts each command raises. */
class RedisDecoyTest {

  private final List<Alert> alerts = new ArrayList<>();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private boolean closed;

  private StreamEmulator.Session session() {
    Interaction interaction = new Interaction(new DecoyIdentity("cache", "redis", null, null), "198.51.100.9", 40000, "redis", alerts::add,
        Clock.systemUTC());
    return new RedisDecoy().open(interaction, new StreamEmulator.Output() {
      @Override
      public void write(byte[] bytes) {
        written.writeBytes(bytes);
      }

      @Override
      public void close() {
        closed = true;
      }
    });
  }

  private String send(StreamEmulator.Session session, String bytes) {
    written.reset();
    session.onData(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    return written.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void commandsSplitAcrossPacketsAndPipelinedAreAnsweredInOrder() {
    StreamEmulator.Session s = session();
    assertThat(send(s, "*1\r\n$4\r\nPI")).isEmpty();
    assertThat(send(s, "NG\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n")).isEqualTo("+PONG\r\n$2\r\nhi\r\n+PONG\r\n");
  }

  @Test
  void setChangesOnlyThisConnectionsKeyspace() {
    StreamEmulator.Session one = session();
    assertThat(send(one, "SET mine 42\r\nGET mine\r\n")).isEqualTo("+OK\r\n$2\r\n42\r\n");
    assertThat(send(session(), "GET mine\r\n")).isEqualTo("$-1\r\n");
  }

  @Test
  void fileWritingConfigIsCriticalOtherConfigHigh() {
    StreamEmulator.Session s = session();
    send(s, "CONFIG SET dbfilename authorized_keys\r\nCONFIG SET maxmemory 1gb\r\n");
    assertThat(alerts).filteredOn(a -> a.action().equals("redis.config_set")).extracting(Alert::severity)
        .containsExactly(AlertSeverity.CRITICAL, AlertSeverity.HIGH);
    assertThat(alerts.get(0).sourceIp()).isEqualTo("198.51.100.9");
    assertThat(alerts.get(0).fields()).containsEntry("parameter", "dbfilename").containsEntry("value", "authorized_keys");
  }

  @Test
  void oversizedOrMalformedInputIsAProtocolErrorThatClosesTheConnection() {
    StreamEmulator.Session s = session();
    assertThat(send(s, "*1\r\n$600000\r\n")).startsWith("-ERR Protocol error: invalid bulk length");
    assertThat(closed).isTrue();
    closed = false;
    assertThat(send(session(), "*x\r\n")).startsWith("-ERR Protocol error");
    assertThat(closed).isTrue();
    assertThat(alerts).extracting(Alert::action).contains("redis.protocol_error");
  }

  @Test
  void unknownCommandsAnswerLikeRedis7() {
    assertThat(send(session(), "*2\r\n$3\r\nFOO\r\n$3\r\nbar\r\n")).isEqualTo("-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
    assertThat(send(session(), "GET / HTTP/1.0\r\n")).as("nmap's GetRequest probe").isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
  }

  @Test
  void excerptsAreBoundedAndPrintable() {
    StreamEmulator.Session s = session();
    send(s, "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$" + 3000 + "\r\n" + "\u0001".repeat(3000) + "\r\n");
    Alert alert = alerts.get(alerts.size() - 1);
    assertThat(alert.excerpt().length()).isLessThanOrEqualTo(Alert.MAX_EXCERPT + 10);
    assertThat(alert.excerpt()).doesNotContain("\u0001").contains("\\x01");
  }
}
