package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 10,000 idle connections held open against one decoy process: the decoy still answers and its heap stays bounded.
 * The clients run in a child JVM ({@link IdleClients}) because this machine's file-descriptor limit (20,000) cannot
 * hold both ends of 10,000 connections in one process.
 */
class ManyIdleConnectionsTest {

  static final int CONNECTIONS = 10_000;

  @Test
  void tenThousandIdleConnectionsLeaveTheDecoyAnsweringWithBoundedHeap() throws Exception {
    // 10,000 kept connect alerts would be the test's own memory, not the server's: count them only
    AtomicLong connects = new AtomicLong();
    AlertPublisher alerts = alert -> connects.incrementAndGet();
    StreamEmulator banner = new BannerDecoy("220 ready\r\n", List.of(), AlertSeverity.LOW, "tcp.line");
    try (DecoyServer server = DecoyServer.start(List.of(new ServedDecoy(new DecoyIdentity("ftp", "tcp-banner", null, null), banner, 0)),
        "127.0.0.1", DecoyLimits.defaults().withMaxConnections(CONNECTIONS + 100), alerts, Clock.systemUTC())) {
      int port = server.boundPorts().get("ftp");
      long before = usedHeapAfterGc();

      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process clients = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          IdleClients.class.getName(), Integer.toString(port), Integer.toString(CONNECTIONS))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        String report = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(report).isEqualTo("open " + CONNECTIONS + " greeted " + CONNECTIONS);
        assertThat(server.openConnections()).isEqualTo(CONNECTIONS);
        assertThat(connects.get()).as("a connect alert for every touch").isEqualTo(CONNECTIONS);

        long during = usedHeapAfterGc();
        try (Socket probe = new Socket("127.0.0.1", port)) {
          probe.setSoTimeout(30_000);
          assertThat(GenericDecoyTest.readLine(probe.getInputStream())).isEqualTo("220 ready");
        }
        long perConnection = (during - before) / CONNECTIONS;
        System.out.printf("heap: %d MiB before, %d MiB with %d idle connections (%d bytes each)%n", before >> 20, during >> 20,
            CONNECTIONS, perConnection);
        assertThat(during - before).as("heap growth for %d idle connections", CONNECTIONS).isLessThan(64L << 20);
      } finally {
        clients.getOutputStream().close();
        if (!clients.waitFor(60, TimeUnit.SECONDS)) {
          clients.destroyForcibly();
        }
      }
    }
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
