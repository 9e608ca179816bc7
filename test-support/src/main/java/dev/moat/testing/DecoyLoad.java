package dev.moat.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decoy benchmark's driver ({@code bench/decoy}): starts {@code moat decoy serve} with a Redis and a file-download
 * decoy on 127.0.0.1 (noise control off, so every attack is one alert; the JVM options of the decoy's pod), then for each decoy opens N connections
 * from C concurrent clients, each sending one attack that carries a unique marker and reading the answer. It prints
 * connections per second, the alert latency — the attack sent to its alert line read from serve's standard output
 * — as p50/p99/max, alerts missing, and serve's peak RSS (VmHWM). It prints figures and never judges them.
 *
 * <pre>java -cp test-support.jar:moat.jar dev.moat.testing.DecoyLoad MOAT_JAR [CONNECTIONS [CONCURRENCY]]</pre>
 */
public final class DecoyLoad {

  private static final Pattern MARKER = Pattern.compile("moatbench-(\\d+)");

  private final Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<Integer, Long> alertedAt = new ConcurrentHashMap<>();

  private DecoyLoad() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: DecoyLoad MOAT_JAR [CONNECTIONS [CONCURRENCY]]");
      System.exit(2);
    }
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    new DecoyLoad().run(Path.of(args[0]), connections, concurrency);
  }

  private void run(Path jar, int connections, int concurrency) throws Exception {
    int redisPort = freePort();
    int httpPort = freePort();
    Path spool = Files.createTempDirectory("moat-bench-spool");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    // serve runs with the JVM options its pod gets (DecoyManifests.POD_JVM_OPTIONS) unless told otherwise, e.g. to record it with JFR
    String jvmOptions = System.getenv().getOrDefault("BENCH_SERVE_JAVA_OPTS", dev.moat.decoy.DecoyManifests.POD_JVM_OPTIONS);
    if (!jvmOptions.isBlank()) {
      command.addAll(List.of(jvmOptions.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "decoy", "serve", "--decoy", "redis:" + redisPort, "--decoy", "file-download:" + httpPort,
        "--dedupe-window", "0", "--spool", spool.toString()));
    Process serve = new ProcessBuilder(command).start();
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(serve.getErrorStream(), StandardCharsets.UTF_8));
      for (int listening = 0; listening < 2; ) {
        String line = err.readLine();
        if (line == null) {
          throw new IOException("moat decoy serve ended before listening");
        }
        listening += line.contains(" listening on ") ? 1 : 0;
      }
      Thread drain = new Thread(() -> drain(err), "stderr");
      drain.setDaemon(true);
      drain.start();
      Thread reader = new Thread(() -> readAlerts(serve.getInputStream()), "alerts");
      reader.setDaemon(true);
      reader.start();
      System.out.println("serve pid " + serve.pid() + ", " + connections + " connections per decoy from " + concurrency + " concurrent clients");
      round("redis", connections, concurrency, 0, id -> attack(redisPort, ("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$" + ("/tmp/moatbench-" + id).length()
          + "\r\n/tmp/moatbench-" + id + "\r\n").getBytes(StandardCharsets.US_ASCII)));
      round("file-download", connections, concurrency, connections, id -> attack(httpPort, ("GET /download?file=../../../../etc/passwd&t=moatbench-" + id
          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      System.out.println("peak RSS of serve: " + peakRssMib(serve.pid()) + " MiB (VmHWM)");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
      serve.destroyForcibly();
    }
  }

  private interface Attack {
    void send(int id) throws IOException;
  }

  private void round(String decoy, int connections, int concurrency, int firstId, Attack attack) throws InterruptedException {
    AtomicInteger next = new AtomicInteger(firstId);
    AtomicLong failed = new AtomicLong();
    int last = firstId + connections;
    List<Thread> clients = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      Thread t = new Thread(() -> {
        for (int id = next.getAndIncrement(); id < last; id = next.getAndIncrement()) {
          try {
            sentAt.put(id, System.nanoTime());
            attack.send(id);
          } catch (IOException e) {
            sentAt.remove(id);
            failed.incrementAndGet();
          }
        }
      }, "client-" + c);
      clients.add(t);
      t.start();
    }
    for (Thread t : clients) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && alertsFor(firstId, last) < connections - failed.get()) {
      Thread.sleep(20);
    }
    long[] latencies = new long[connections];
    int n = 0;
    for (int id = firstId; id < last; id++) {
      Long sent = sentAt.get(id);
      Long alerted = alertedAt.get(id);
      if (sent != null && alerted != null) {
        latencies[n++] = alerted - sent;
      }
    }
    Arrays.sort(latencies, 0, n);
    System.out.printf("%-14s %8.0f connections/s (%d in %.2f s, %d failed); alert latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d alert(s) missing%n",
        decoy, connections / seconds, connections, seconds, failed.get(), ms(latencies, n, 0.50), ms(latencies, n, 0.99), ms(latencies, n, 1.0),
        connections - failed.get() - n);
  }

  private long alertsFor(int from, int to) {
    long count = 0;
    for (int id = from; id < to; id++) {
      count += alertedAt.containsKey(id) ? 1 : 0;
    }
    return count;
  }

  private static double ms(long[] sorted, int n, double quantile) {
    if (n == 0) {
      return Double.NaN;
    }
    int index = Math.min(n - 1, (int) Math.ceil(quantile * n) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  /** One connection: the attack, the answer read to its end (or the first line for RESP), then close. */
  private static void attack(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[8192];
      if (request[0] == '*') {
        while (in.read() != '\n') {
          // one RESP reply line
        }
      } else {
        while (in.read(buffer) >= 0) {
          // the whole answer, until the server closes
        }
      }
    }
  }

  private void readAlerts(InputStream stdout) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        long now = System.nanoTime();
        Matcher m = MARKER.matcher(line);
        if (m.find()) {
          alertedAt.putIfAbsent(Integer.parseInt(m.group(1)), now);
        }
      }
    } catch (IOException e) {
      // serve ended
    }
  }

  private static void drain(BufferedReader err) {
    try {
      while (err.readLine() != null) {
        // warnings, if any, are not the benchmark's concern
      }
    } catch (IOException e) {
      // serve ended
    }
  }

  private static long peakRssMib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
