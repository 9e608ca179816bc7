package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisDecoyTest {

  private final List<Alert> alerts = new ArrayList<>();
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private boolean closed;

  private final StreamEmulator.Session session = new RedisDecoy().open(
      new Interaction(new DecoyIdentity("cache", "redis", null, null), "198.51.100.7", 40000, "redis", alerts::add, Clock.systemUTC()),
      new StreamEmulator.Output() {
        @Override
        public void write(byte[] bytes) {
          written.write(bytes, 0, bytes.length);
        }

        @Override
        public void close() {
          closed = true;
        }
      });

  private String send(String raw) {
    written.reset();
    session.onData(ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8)));
    return written.toString(StandardCharsets.UTF_8);
  }

  private static String resp(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }

  @Test
  void answersPingInBothMultibulkAndInlineForm() {
    assertThat(send(resp("PING"))).isEqualTo("+PONG\r\n");
    assertThat(send("PING\r\n")).isEqualTo("+PONG\r\n");
    assertThat(send(resp("ECHO", "hi"))).isEqualTo("$2\r\nhi\r\n");
  }

  @Test
  void answersPipelinedCommandsInOrderEvenWhenSplitAcrossReads() {
    String both = resp("PING") + resp("DBSIZE");
    assertThat(send(both.substring(0, 9))).isEmpty();
    assertThat(send(both.substring(9))).isEqualTo("+PONG\r\n:8\r\n");
  }

  @Test
  void infoNamesRedis7AndSectionsSelectOne() {
    String info = send(resp("INFO"));
    assertThat(info).contains("redis_version:7.0.15", "# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
        "# Replication", "# CPU", "# Keyspace");
    assertThat(send(resp("INFO", "replication"))).contains("role:master").doesNotContain("# Server");
  }

  @Test
  void configGetMatchesGlobsAndConfigSetOfDirIsCritical() {
    assertThat(send(resp("CONFIG", "GET", "dir"))).isEqualTo("*2\r\n$3\r\ndir\r\n$14\r\n/var/lib/redis\r\n");
    assertThat(send(resp("CONFIG", "GET", "maxmemory*"))).contains("maxmemory-policy").startsWith("*4\r\n");
    assertThat(send(resp("CONFIG", "SET", "dir", "/root/.ssh"))).isEqualTo("+OK\r\n");
    assertThat(send(resp("CONFIG", "GET", "dir"))).contains("/root/.ssh");
    Alert alert = alerts.get(alerts.size() - 1);
    assertThat(alert.action()).isEqualTo("redis.config_set");
    assertThat(alert.severity()).isEqualTo(AlertSeverity.CRITICAL);
    assertThat(alert.fields()).containsEntry("dir", "/root/.ssh");
    assertThat(alert.sourceIp()).isEqualTo("198.51.100.7");
  }

  @Test
  void replicaofRecordsTheMasterAndAnswersOk() {
    assertThat(send(resp("SLAVEOF", "203.0.113.1", "6379"))).isEqualTo("+OK\r\n");
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("redis.replicaof");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.fields()).containsEntry("master_host", "203.0.113.1").containsEntry("master_port", "6379");
    });
  }

  @Test
  void moduleLoadAndEvalAlertAndNothingRuns() {
    assertThat(send(resp("MODULE", "LOAD", "/tmp/exp.so"))).startsWith("-ERR Error loading the extension");
    assertThat(send(resp("EVAL", "return redis.call('info')", "0"))).isEqualTo("$-1\r\n");
    assertThat(alerts).extracting(Alert::action).containsExactly("redis.module_load", "redis.eval");
    assertThat(alerts.get(0).severity()).isEqualTo(AlertSeverity.CRITICAL);
  }

  @Test
  void keysAndSetChangeOnlyThisConnectionsView() {
    assertThat(send(resp("KEYS", "config:*"))).startsWith("*2\r\n").contains("config:smtp:password");
    assertThat(send(resp("SET", "x", "1"))).isEqualTo("+OK\r\n");
    assertThat(send(resp("GET", "x"))).isEqualTo("$1\r\n1\r\n");
    assertThat(send(resp("TYPE", "x") + resp("TTL", "x") + resp("EXISTS", "x", "nope"))).isEqualTo("+string\r\n:-1\r\n:1\r\n");
    assertThat(send(resp("DEL", "x") + resp("GET", "x"))).isEqualTo(":1\r\n$-1\r\n");
  }

  @Test
  void unknownCommandsAreAnsweredExactlyLikeRedis7() {
    assertThat(send(resp("foo", "a", "b"))).isEqualTo("-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
  }

  @Test
  void garbageAndOversizedBulkAreProtocolErrorsThatClose() {
    assertThat(send("*1\r\nx\r\n")).isEqualTo("-ERR Protocol error: expected '$', got 'x'\r\n");
    assertThat(closed).isTrue();
    assertThat(alerts).extracting(Alert::action).containsExactly("redis.protocol_error");
  }

  @Test
  void oversizedBulkLengthIsRefusedBeforeAnyBuffering() {
    assertThat(send("*1\r\n$999999999\r\n")).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
    assertThat(closed).isTrue();
  }

  @Test
  void helloThreeSwitchesToResp3AsRedis7Does() {
    assertThat(send(resp("HELLO", "3"))).startsWith("%7\r\n").contains("7.0.15", ":3\r\n");
    assertThat(send(resp("GET", "missing"))).isEqualTo("_\r\n");
  }
}
