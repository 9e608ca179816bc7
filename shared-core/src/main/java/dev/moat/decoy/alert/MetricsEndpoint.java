package dev.moat.decoy.alert;

import com.sun.net.httpserver.HttpServer;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves {@link PrometheusMetrics} on {@code GET /metrics} with the JDK's HTTP server. */
public final class MetricsEndpoint implements AutoCloseable {

  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code bind:port} (port 0 picks a free one). */
  public static MetricsEndpoint start(PrometheusMetrics metrics, String bind, int port) throws MoatException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 16);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(),
          "pick a free --metrics-port, or a --metrics-bind address this host has");
    }
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", PrometheusMetrics.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
        if (!"HEAD".equals(exchange.getRequestMethod())) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      }
    });
    server.start();
    return new MetricsEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
