package dev.moat.scan.oob;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.moat.scan.OutOfBandHit;
import dev.moat.scan.OutOfBandListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The scanner's out-of-band HTTP listener. A payload carries {@code <public URL>/<token>}; any request on that
 * path is recorded as a hit for the token. It answers an empty 200 (404 for a path that is no token), reads at
 * most {@link #MAX_BODY} bytes of a request body, keeps at most {@link #MAX_HITS} hits, and never connects anywhere
 * or interprets what it receives.
 */
public final class OutOfBandServer implements OutOfBandListener, AutoCloseable {

  static final int MAX_HITS = 10_000;
  static final int MAX_BODY = 4096;
  private static final int EXCERPT = 512;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{4,64}");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI publicBase;
  private final Clock clock;
  private final Map<String, List<OutOfBandHit>> hits = new HashMap<>();
  private int hitCount;

  private OutOfBandServer(HttpServer server, ExecutorService executor, URI publicBase, Clock clock) {
    this.server = server;
    this.executor = executor;
    this.publicBase = publicBase;
    this.clock = clock;
  }

  /**
   * Starts listening on {@code host:port} (port 0: a free one).
   *
   * @param publicUrl the base URL targets reach the listener at (in a cluster, the scanner pod's Service); null: the
   *     listen address itself
   */
  public static OutOfBandServer start(String host, int port, URI publicUrl, Clock clock) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "moat-scan-oob");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    URI base = publicUrl != null ? publicUrl : URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getAddress().getPort());
    OutOfBandServer oob = new OutOfBandServer(server, executor, base, clock);
    server.createContext("/", oob::handle);
    server.start();
    return oob;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public URI callbackUrl(String token) {
    String base = publicBase.toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + token);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY);
      String path = exchange.getRequestURI().getRawPath();
      String token = path == null ? "" : path.replaceFirst("^/+", "").split("[/?]", 2)[0];
      boolean known = TOKEN.matcher(token).matches();
      if (known) {
        StringBuilder excerpt = new StringBuilder(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI()).append('\n');
        exchange.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> excerpt.append(k).append(": ").append(v).append('\n')));
        excerpt.append('\n').append(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        String text = excerpt.length() > EXCERPT ? excerpt.substring(0, EXCERPT) : excerpt.toString();
        record(new OutOfBandHit(token, clock.instant(), exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getRequestMethod(),
            exchange.getRequestURI().toString(), text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "?")));
      }
      exchange.sendResponseHeaders(known ? 200 : 404, -1);
    }
  }

  private synchronized void record(OutOfBandHit hit) {
    if (hitCount >= MAX_HITS) {
      return;
    }
    hitCount++;
    hits.computeIfAbsent(hit.token(), k -> new ArrayList<>()).add(hit);
    notifyAll();
  }

  @Override
  public synchronized List<OutOfBandHit> awaitHits(String token, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!hits.containsKey(token)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return List.of();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return List.copyOf(hits.get(token));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
