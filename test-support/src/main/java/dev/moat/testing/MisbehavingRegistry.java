package dev.moat.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately broken registry on 127.0.0.1, for the failure modes a real registry will not produce on
 * demand: garbage instead of a manifest, a manifest over 4 MiB, and 503/429 answers (counted, to prove
 * retries). Repositories: {@code garbage/*}, {@code huge/*}, {@code flaky/*}, {@code slowdown/*}. This is
 * a fake on purpose; every other test uses the real docker-registry.
 */
public final class MisbehavingRegistry implements AutoCloseable {

  private final HttpServer server;
  private final AtomicInteger flakyRequests = new AtomicInteger();
  private final AtomicInteger slowdownRequests = new AtomicInteger();

  public MisbehavingRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests the flaky repository received (each answered 503). */
  public int flakyRequests() {
    return flakyRequests.get();
  }

  public int slowdownRequests() {
    return slowdownRequests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      if (path.equals("/v2/") || path.equals("/v2")) {
        send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/v2/garbage/")) {
        send(exchange, 200, "application/vnd.oci.image.manifest.v1+json", "<html><body>Welcome to nginx!</body></html>".getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/v2/huge/")) {
        StringBuilder big = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"annotations\":{\"padding\":\"");
        big.append("x".repeat(5 * 1024 * 1024));
        big.append("\"}}");
        send(exchange, 200, "application/vnd.oci.image.manifest.v1+json", big.toString().getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/v2/flaky/")) {
        flakyRequests.incrementAndGet();
        send(exchange, 503, "text/plain", "try later".getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/v2/slowdown/")) {
        slowdownRequests.incrementAndGet();
        exchange.getResponseHeaders().add("Retry-After", "1");
        send(exchange, 429, "application/json", "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}".getBytes(StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, "application/json", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
