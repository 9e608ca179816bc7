package dev.moat.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
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
  private final Map<Integer, Long> raisedAt = new ConcurrentHashMap<>(); // the alert's own time (evt.time), on this JVM's nanoTime scale
  private static final Pattern EVT_TIME = Pattern.compile("\"evt\\.time\":(\\d+)");
  /** Wall clock minus nanoTime, to put serve's alert times (epoch nanoseconds) on the nanoTime scale; good to a few microseconds. */
  private final long wallMinusNano = wallNanos() - System.nanoTime();

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
      Attack redis = new Attack(redisPort, true, id -> ("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$" + ("/tmp/moatbench-" + id).length()
          + "\r\n/tmp/moatbench-" + id + "\r\n").getBytes(StandardCharsets.US_ASCII));
      Attack download = new Attack(httpPort, false, id -> ("GET /download?file=../../../../etc/passwd&t=moatbench-" + id
          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // A decoy runs for days: measure it warm, as JMH does. Warm-up rounds go on until serve's JIT compiler threads
      // have gone quiet (under 5 % of the round's time; C2 keeps compiling for tens of seconds on 2 cores), at most 15
      int warmUp = Math.max(1, Math.min(5_000, connections / 6));
      int warmId = 2 * connections;
      for (int rounds = 1; ; rounds++) {
        long compilerBefore = compilerTicks(serve.pid());
        long wallBefore = System.nanoTime();
        // the first round is printed too, as the cold figure: what a freshly started decoy does while C2 still compiles
        round(serve.pid(), rounds == 1 ? "cold-redis" : null, warmUp, concurrency, warmId, redis);
        round(serve.pid(), rounds == 1 ? "cold-download" : null, warmUp, concurrency, warmId + warmUp, download);
        warmId += 2 * warmUp;
        double compilerShare = (compilerTicks(serve.pid()) - compilerBefore) * 1e7 / (System.nanoTime() - wallBefore);
        if (compilerShare < 0.05 || rounds == 15) {
          System.out.printf("warm-up: %d connections per decoy in %d round(s); JIT compiler threads at %.0f %% of a core in the last%n",
              rounds * warmUp, rounds, compilerShare * 100);
          break;
        }
      }
      round(serve.pid(), "redis", connections, concurrency, 0, redis);
      round(serve.pid(), "file-download", connections, concurrency, connections, download);
      System.out.println("peak RSS of serve: " + peakRssMib(serve.pid()) + " MiB (VmHWM)");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
      serve.destroyForcibly();
    }
  }

  /**
   * One kind of attack: the port, the request carrying attack {@code id}'s marker, and whether the answer ends at its
   * first line (RESP: the client closes) or at the server's close (HTTP with {@code Connection: close}).
   */
  private record Attack(int port, boolean firstLineOnly, IntFunction<byte[]> request) {}

  /** One measured round of {@code connections} attacks and its figures; a null {@code decoy} is a warm-up, not printed. */
  private void round(long servePid, String decoy, int connections, int concurrency, int firstId, Attack attack)
      throws InterruptedException, IOException {
    long[] cpuBefore = cpuTicks(servePid);
    int last = firstId + connections;
    long start = System.nanoTime();
    long failures = drive(attack, firstId, last, concurrency);
    AtomicLong failed = new AtomicLong(failures);
    double seconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && alertsFor(firstId, last) < connections - failed.get()) {
      Thread.sleep(20);
    }
    long[] latencies = new long[connections];
    long[] raising = new long[connections];
    long[] delivering = new long[connections];
    int n = 0;
    for (int id = firstId; id < last; id++) {
      Long sent = sentAt.get(id);
      Long alerted = alertedAt.get(id);
      Long raised = raisedAt.get(id);
      if (sent != null && alerted != null && raised != null) {
        latencies[n] = alerted - sent;
        raising[n] = raised - sent;
        delivering[n++] = alerted - raised;
      }
    }
    Arrays.sort(latencies, 0, n);
    Arrays.sort(raising, 0, n);
    Arrays.sort(delivering, 0, n);
    long[] cpuAfter = cpuTicks(servePid);
    if (decoy == null) {
      return; // warm-up
    }
    System.out.printf("%-14s %8.0f connections/s (%d in %.2f s, %d failed); alert latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d alert(s) missing%n",
        decoy, connections / seconds, connections, seconds, failed.get(), ms(latencies, n, 0.50), ms(latencies, n, 0.99), ms(latencies, n, 1.0),
        connections - failed.get() - n);
    System.out.printf("%-14s of which: raised p50 %.1f / p99 %.1f ms after the connection began (connect, accept, request), "
        + "on stdout p50 %.1f / p99 %.1f ms after being raised (spool, delivery, pipe)%n", decoy, ms(raising, n, 0.50), ms(raising, n, 0.99),
        ms(delivering, n, 0.50), ms(delivering, n, 0.99));
    // serve's own CPU per connection (user + kernel), which the load driver sharing the cores does not inflate
    double tick = 1e6 / 100; // microseconds per clock tick (USER_HZ is 100 on Linux)
    System.out.printf("%-14s serve CPU per connection: %.0f us (user %.0f us, system %.0f us)%n", decoy,
        ((cpuAfter[0] - cpuBefore[0]) + (cpuAfter[1] - cpuBefore[1])) * tick / connections,
        (cpuAfter[0] - cpuBefore[0]) * tick / connections, (cpuAfter[1] - cpuBefore[1]) * tick / connections);
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

  /** A connection in flight: its attack id, when it was started, and the request left to write. */
  private static final class InFlight {
    final int id;
    final long startedAt;
    final ByteBuffer request;

    InFlight(int id, long startedAt, byte[] request) {
      this.id = id;
      this.startedAt = startedAt;
      this.request = ByteBuffer.wrap(request);
    }
  }

  /**
   * Runs attacks {@code from}..{@code to} with {@code concurrency} connections always in flight, from one selector
   * thread: each a non-blocking connect, the request, the answer read (to its first line, or to the server's close),
   * then close. One thread instead of one per client keeps the driver's own CPU and scheduling out of serve's way
   * on a small machine. Returns how many attacks failed (refused, reset, or no answer within 10 s).
   */
  private long drive(Attack attack, int from, int to, int concurrency) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), attack.port());
    ByteBuffer answer = ByteBuffer.allocate(16 * 1024);
    long failed = 0;
    int next = from;
    int open = 0;
    try (Selector selector = Selector.open()) {
      while (next < to || open > 0) {
        while (open < concurrency && next < to) {
          int id = next++;
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          long now = System.nanoTime();
          sentAt.put(id, now);
          InFlight flight = new InFlight(id, now, attack.request().apply(id));
          try {
            boolean connected = ch.connect(address);
            ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, flight);
            open++;
          } catch (IOException e) {
            ch.close();
            sentAt.remove(id);
            failed++;
          }
        }
        selector.select(200);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          InFlight flight = (InFlight) key.attachment();
          boolean done;
          boolean ok = true;
          try {
            done = step(key, ch, flight, answer, attack.firstLineOnly());
          } catch (IOException e) {
            done = true;
            ok = false;
          }
          if (done) {
            key.cancel();
            ch.close();
            open--;
            if (!ok) {
              sentAt.remove(flight.id);
              failed++;
            }
          }
        }
        selector.selectedKeys().clear();
        long stale = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
        for (SelectionKey key : selector.keys()) {
          if (key.isValid() && ((InFlight) key.attachment()).startedAt < stale) {
            key.cancel();
            key.channel().close();
            sentAt.remove(((InFlight) key.attachment()).id);
            open--;
            failed++;
          }
        }
      }
    }
    return failed;
  }

  /** Moves one connection on; true when it is finished (answer read). */
  private static boolean step(SelectionKey key, SocketChannel ch, InFlight flight,
      ByteBuffer answer, boolean firstLineOnly) throws IOException {
    if (key.isConnectable()) {
      ch.finishConnect();
      key.interestOps(SelectionKey.OP_WRITE);
    }
    if (key.isValid() && key.isWritable()) {
      ch.write(flight.request);
      if (!flight.request.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    }
    if (key.isValid() && key.isReadable()) {
      answer.clear();
      int n = ch.read(answer);
      if (n < 0) {
        return true; // the server closed: the whole answer is in
      }
      if (firstLineOnly) {
        for (int i = 0; i < n; i++) {
          if (answer.get(i) == '\n') {
            return true;
          }
        }
      }
    }
    return false;
  }

  private void readAlerts(InputStream stdout) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        long now = System.nanoTime();
        Matcher m = MARKER.matcher(line);
        if (m.find()) {
          int id = Integer.parseInt(m.group(1));
          alertedAt.putIfAbsent(id, now);
          Matcher t = EVT_TIME.matcher(line);
          if (t.find()) {
            raisedAt.putIfAbsent(id, Long.parseLong(t.group(1)) - wallMinusNano);
          }
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

  /** CPU ticks (user + system) of a process's JIT compiler threads. */
  private static long compilerTicks(long pid) throws IOException {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.contains("CompilerThre")) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (NoSuchFileException gone) {
          // a compiler thread that just ended
        }
      }
    }
    return ticks;
  }

  /** utime and stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
  private static long[] cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  private static long wallNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
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
