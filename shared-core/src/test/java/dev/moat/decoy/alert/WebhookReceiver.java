package dev.moat.decoy.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 acting as the receiving side of a webhook: records what it accepts, or answers 503. */
final class WebhookReceiver implements AutoCloseable {

  record Received(String alertIdHeader, String body) {}

  private final HttpServer server;
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean unavailable;

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/hook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (unavailable) {
          refused.incrementAndGet();
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        accepted.add(new Received(exchange.getRequestHeaders().getFirst("X-Moat-Alert-Id"), body));
        exchange.sendResponseHeaders(204, -1);
      }
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  void unavailable(boolean value) {
    unavailable = value;
  }

  List<Received> accepted() {
    return List.copyOf(accepted);
  }

  int refused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
