package dev.moat.testing.vulnapp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.scan.VulnerabilityClass;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately vulnerable web application for the scanner's tests and benchmark: for every vulnerability class
 * and context a vulnerable endpoint and a safe twin, its own OpenAPI document at {@code /openapi.json}, and an
 * HTML index at {@code /} for crawling. It runs in-process on 127.0.0.1 only.
 *
 * <p>It is its own small HTTP/1.1 server on a {@link ServerSocket} (keep-alive, Content-Length and chunked
 * bodies) rather than the JDK's {@code HttpServer}, because some vulnerable endpoints must answer what real
 * frameworks refuse to write — a CR/LF inside a header value. Nothing it does touches the machine: "command
 * execution", "file reads" and "SQL" are simulated over in-memory data.
 */
public final class VulnerableApp implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int MAX_BODY = 10 * 1024 * 1024;

  private final AppRoutes routes = new AppRoutes();
  private final ServerSocket server;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "vulnapp");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean closed;

  /** Every route group of the app. Each vulnerability class adds its group here. */
  public static List<VulnerableRoutes> catalogue() {
    List<VulnerableRoutes> all = new ArrayList<>();
    // (route groups are added here, one line each)
    all.add(new PathTraversalRoutes());
    all.add(new SensitivePathRoutes());
    all.add(new OpenRedirectRoutes());
    all.add(new CrlfRoutes());
    all.add(new JsonpRoutes());
    all.add(new XssRoutes());
    all.add(new SqlInjectionRoutes());
    all.add(new CommandInjectionRoutes());
    all.add(new CodeInjectionRoutes());
    all.add(new SsrfRoutes());
    all.add(new XxeRoutes());
    all.add(new UploadRoutes());
    all.add(new LoginRoutes());
    all.add(new PocRoutes());
    return all;
  }

  /** Starts the app with every route group on a free port of 127.0.0.1. */
  public static VulnerableApp start() throws IOException {
    return start(catalogue(), 0);
  }

  public static VulnerableApp start(List<VulnerableRoutes> groups, int port) throws IOException {
    return new VulnerableApp(groups, port);
  }

  private VulnerableApp(List<VulnerableRoutes> groups, int port) throws IOException {
    for (VulnerableRoutes g : groups) {
      g.register(routes);
    }
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    Thread acceptor = new Thread(this::acceptLoop, "vulnapp-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code http://127.0.0.1:PORT} */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public URI openApiUri() {
    return baseUri().resolve("/openapi.json");
  }

  public List<GroundTruth> groundTruth() {
    return List.copyOf(routes.truth());
  }

  public List<GroundTruth> groundTruth(VulnerabilityClass type) {
    return routes.truth().stream().filter(t -> t.type() == type).toList();
  }

  /** Requests answered so far. */
  public long requestCount() {
    return requests.get();
  }

  /** The OpenAPI 3.0.3 document of every registered operation, with this instance's server URL. */
  public String openApiDocument() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.3");
    doc.putObject("info").put("title", "Moat vulnerable test application").put("version", "1.0");
    doc.putArray("servers").addObject().put("url", baseUri().toString());
    ObjectNode paths = doc.putObject("paths");
    routes.paths().forEach(paths::set);
    try {
      return JSON.writeValueAsString(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String indexPage() {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><title>Vulnerable test application</title></head><body>\n");
    sb.append("<h1>Test application</h1>\n<ul>\n");
    for (String link : routes.links()) {
      sb.append("<li>").append(link).append("</li>\n");
    }
    return sb.append("</ul>\n</body></html>\n").toString();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        workers.execute(() -> serve(s));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(30_000);
      // Each answer goes out in one write with Nagle off, as real servers do: headers and body written apart would
      // wait on the client's delayed ACK (~40 ms a request on Linux loopback).
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      while (!closed) {
        String requestLine = readLine(in);
        if (requestLine == null) {
          return;
        }
        if (requestLine.isEmpty()) {
          continue;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length < 2) {
          write(out, AppResponse.status(400, "bad request line"), false, false);
          return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(line.substring(colon + 1).trim());
          }
        }
        byte[] body = readBody(in, headers);
        String target = parts[1];
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        AppRequest request = new AppRequest(parts[0].toUpperCase(Locale.ROOT), rawPath, rawQuery, headers, body,
            socket.getInetAddress().getHostAddress());
        requests.incrementAndGet();
        AppResponse response = dispatch(request);
        String connection = request.header("connection");
        boolean keepAlive = connection == null || !connection.equalsIgnoreCase("close");
        write(out, response, keepAlive, request.method().equals("HEAD"));
        if (!keepAlive) {
          return;
        }
      }
    } catch (IOException e) {
      // the client went away or timed out
    } finally {
      open.remove(socket);
    }
  }

  private AppResponse dispatch(AppRequest request) {
    String path = request.path();
    if (request.method().equals("GET") && path.equals("/openapi.json")) {
      return AppResponse.json(openApiDocument());
    }
    AppRoutes.Route route = routes.find(request.method(), path);
    if (route == null && (request.method().equals("GET") || request.method().equals("HEAD")) && path.equals("/")) {
      return AppResponse.html(indexPage());
    }
    if (route == null) {
      return AppResponse.notFound();
    }
    try {
      return route.handler().handle(request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return AppResponse.status(503, "interrupted");
    } catch (Exception e) {
      return AppResponse.of(500, "text/html; charset=utf-8", "<html><body><h1>500 Internal Server Error</h1></body></html>");
    }
  }

  private static void write(OutputStream out, AppResponse response, boolean keepAlive, boolean head) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ').append(reason(response.status())).append("\r\n");
    boolean hasType = false;
    for (Map.Entry<String, String> h : response.headers()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      hasType |= h.getKey().equalsIgnoreCase("content-type");
    }
    if (!hasType && response.body().length > 0) {
      sb.append("Content-Type: application/octet-stream\r\n");
    }
    sb.append("Content-Length: ").append(response.body().length).append("\r\n");
    sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!head) {
      out.write(response.body());
    }
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      default -> "Status";
    };
  }

  private static byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
    List<String> te = headers.get("transfer-encoding");
    if (te != null && te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          throw new SocketException("eof in chunked body");
        }
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          String trailer;
          while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
            // trailers ignored
          }
          return body.toByteArray();
        }
        if (body.size() + size > MAX_BODY) {
          throw new SocketException("body too large");
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
    }
    List<String> cl = headers.get("content-length");
    if (cl == null || cl.isEmpty()) {
      return new byte[0];
    }
    int length = Integer.parseInt(cl.get(0).trim());
    if (length > MAX_BODY) {
      throw new SocketException("body too large");
    }
    return in.readNBytes(length);
  }

  /** A line up to CRLF (or LF), as ISO-8859-1; null at end of stream. Lines over 64 KiB end the connection. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      if (line.size() > 65536) {
        throw new SocketException("line too long");
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    workers.shutdownNow();
  }

  /** The ground truth as JSON lines, one {@link GroundTruth} an object (for the benchmark's scorer). */
  public String groundTruthJsonLines() {
    StringBuilder sb = new StringBuilder();
    for (GroundTruth t : routes.truth()) {
      ObjectNode o = JSON.createObjectNode();
      o.put("type", t.type().id());
      o.put("method", t.method());
      o.put("path", t.path());
      o.put("parameter", t.parameter());
      o.put("vulnerable", t.vulnerable());
      sb.append(o.toString()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Runs the app until killed: {@code java ... VulnerableApp [--port N] [--truth FILE]}; prints its base URL and
   * writes the ground truth as JSON lines to FILE.
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    String truth = null;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--port")) {
        port = Integer.parseInt(args[i + 1]);
      } else if (args[i].equals("--truth")) {
        truth = args[i + 1];
      }
    }
    VulnerableApp app = start(catalogue(), port);
    if (truth != null) {
      java.nio.file.Files.writeString(java.nio.file.Path.of(truth), app.groundTruthJsonLines());
    }
    System.out.println(app.baseUri());
    System.out.flush();
    Thread.currentThread().join();
  }
}
