package dev.moat.scan.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP/1.1 server on 127.0.0.1 that misbehaves the way hostile targets do: a body that never ends,
 * a body that drips a byte a second, a redirect loop, a redirect out of scope, bytes that are not UTF-8. It
 * records each request line and the most connections it ever saw open at once.
 */
final class HostileServer implements AutoCloseable {

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> requestHeads = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  final AtomicInteger maxOpen = new AtomicInteger();

  HostileServer() throws IOException {
    socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    pool.submit(this::accept);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        pool.submit(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      String head = readHead(in);
      if (head == null) {
        return;
      }
      requestHeads.add(head);
      String line = head.substring(0, head.indexOf("\r\n"));
      requests.add(line);
      String path = line.split(" ")[1];
      if (path.startsWith("/endless")) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[8192];
        java.util.Arrays.fill(chunk, (byte) 'a');
        while (true) {
          out.write(chunk);
        }
      } else if (path.startsWith("/drip")) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 1000; i++) {
          out.write('d');
          out.flush();
          Thread.sleep(1000);
        }
      } else if (path.startsWith("/silent")) {
        Thread.sleep(60_000);
      } else if (path.startsWith("/loop")) {
        redirect(out, "/loop");
      } else if (path.startsWith("/away")) {
        redirect(out, "http://elsewhere.invalid/stolen");
      } else if (path.startsWith("/bad-bytes")) {
        byte[] body = {(byte) 0xff, (byte) 0xfe, 'o', 'k', (byte) 0xc3};
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=no-such-charset\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
      } else if (path.startsWith("/slow")) {
        Thread.sleep(300);
        ok(out, "slow");
      } else if (path.startsWith("/cookie")) {
        out.write("HTTP/1.1 200 OK\r\nSet-Cookie: jar=filled; Path=/\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      } else {
        ok(out, "ok " + path);
      }
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client hung up: expected for the endless and dripping bodies
    } finally {
      open.decrementAndGet();
    }
  }

  private static void redirect(OutputStream out, String location) throws IOException {
    out.write(("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void ok(OutputStream out, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        int length = 0;
        for (String h : sb.toString().split("\r\n")) {
          if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(h.substring(15).trim());
          }
        }
        in.readNBytes(length);
        return sb.toString();
      }
      if (sb.length() > 65536) {
        return null;
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    pool.shutdownNow();
  }
}
