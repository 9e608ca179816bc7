package dev.moat.scan.engine;

import dev.moat.HttpClients;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scanner's HTTP client on the JDK's {@link HttpClient}: every request checked against the scope before it
 * is sent (redirects are never followed by the JDK; {@link #sendFollowingRedirects} checks each hop), a rate
 * limit, a cap on requests in flight, one deadline for the whole exchange, a byte cap on bodies, the user's
 * authentication and a cookie jar. Requests the JDK refuses to carry (a {@code Host} or {@code Connection}
 * header) lose those headers rather than fail.
 */
public final class HttpScanClient implements ScanClient, AutoCloseable {

  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
  private static final int MAX_REDIRECTS = 10;

  private final ScanScope scope;
  private final ClientSettings settings;
  private final ExecutorService executor;
  private final HttpClient http1;
  private final HttpClient http2;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final Semaphore inFlight;
  private final RateLimiter limiter;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();

  public HttpScanClient(ScanScope scope, ClientSettings settings) {
    this.scope = scope;
    this.settings = settings;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "moat-scan-http");
      t.setDaemon(true);
      return t;
    });
    Duration connect = settings.timeout().compareTo(Duration.ofSeconds(5)) < 0 ? settings.timeout() : Duration.ofSeconds(5);
    this.http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connect).executor(executor).build();
    this.http2 = settings.http2()
        ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connect)
            .executor(executor).build()
        : http1;
    this.inFlight = new Semaphore(settings.concurrency(), true);
    this.limiter = new RateLimiter(settings.rps());
  }

  @Override
  public ScanResponse send(ScanRequest request) throws IOException, InterruptedException {
    return send(request, true);
  }

  @Override
  public ScanResponse sendWithoutCookieJar(ScanRequest request) throws IOException, InterruptedException {
    return send(request, false);
  }

  private ScanResponse send(ScanRequest request, boolean jar) throws IOException, InterruptedException {
    URI uri = request.uri();
    if (!scope.allows(uri)) {
      throw new OutOfScopeException(uri);
    }
    HttpRequest built = build(request, jar);
    limiter.acquire();
    inFlight.acquire();
    try {
      return exchange(built, uri, jar);
    } finally {
      inFlight.release();
    }
  }

  private ScanResponse exchange(HttpRequest built, URI uri, boolean jar) throws IOException, InterruptedException {
    BoundedBody body = new BoundedBody(settings.maxResponseBytes());
    HttpClient client = "https".equalsIgnoreCase(uri.getScheme()) ? http2 : http1;
    long start = System.nanoTime();
    sent.incrementAndGet();
    CompletableFuture<HttpResponse<BoundedBody.Body>> future = client.sendAsync(built, info -> body);
    HttpResponse<BoundedBody.Body> response;
    try {
      try {
        response = future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException dripping) {
        // Headers came (or the request's own timeout would have fired first) but the body is still arriving: keep what came.
        body.abort();
        try {
          response = future.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException stuck) {
          future.cancel(true);
          failed.incrementAndGet();
          throw new HttpTimeoutException("no answer from " + uri + " within " + settings.timeout().toMillis() + " ms");
        }
      }
    } catch (ExecutionException e) {
      failed.incrementAndGet();
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(uri + ": " + cause, cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    try {
      if (jar) {
        cookies.put(uri, response.headers().map());
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // A malformed Set-Cookie from a hostile target is simply not stored.
    }
    BoundedBody.Body b = response.body();
    bytesRead.addAndGet(b.bytes().length);
    return new ScanResponse(uri, response.statusCode(), response.headers().map(), b.bytes(), b.truncated(), elapsed);
  }

  private HttpRequest build(ScanRequest request, boolean jar) throws IOException {
    HttpRequest.BodyPublisher publisher = request.body().length == 0 && !hasBodyMethod(request.method())
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body());
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(request.uri()).timeout(settings.timeout()).method(request.method(), publisher);
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot send " + request + ": " + e.getMessage(), e);
    }
    Map<String, String> auth = new LinkedHashMap<>(settings.authentication().headers());
    List<String> cookieParts = new ArrayList<>();
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      String name = header.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (RESTRICTED.contains(lower)) {
        continue;
      }
      auth.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      if (lower.equals("cookie")) {
        cookieParts.addAll(header.getValue());
        continue;
      }
      for (String value : header.getValue()) {
        addHeader(builder, name, value);
      }
    }
    auth.forEach((k, v) -> addHeader(builder, k, v));
    if (settings.authentication().cookie() != null) {
      cookieParts.add(settings.authentication().cookie());
    }
    try {
      if (jar) {
        cookies.get(request.uri(), Map.of()).getOrDefault("Cookie", List.of()).forEach(cookieParts::add);
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // no jar cookies for this URI
    }
    if (!cookieParts.isEmpty()) {
      addHeader(builder, "Cookie", String.join("; ", cookieParts));
    }
    return builder.build();
  }

  private static void addHeader(HttpRequest.Builder builder, String name, String value) {
    try {
      builder.header(name, value);
    } catch (IllegalArgumentException e) {
      // A value the JDK will not put on the wire (a raw CR/LF): the check's payload cannot be sent as a header.
    }
  }

  private static boolean hasBodyMethod(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  @Override
  public ScanResponse sendFollowingRedirects(ScanRequest request) throws IOException, InterruptedException {
    ScanRequest current = request;
    ScanResponse response = send(current);
    for (int hop = 0; hop < MAX_REDIRECTS && response.isRedirect(); hop++) {
      URI next;
      try {
        next = current.uri().resolve(response.header("location").trim());
      } catch (IllegalArgumentException e) {
        return response;
      }
      if (!scope.allows(next)) {
        return response;
      }
      int status = response.status();
      current = status == 307 || status == 308 ? current.withUri(next) : ScanRequest.get(next);
      response = send(current);
    }
    return response;
  }

  @Override
  public ScanScope scope() {
    return scope;
  }

  @Override
  public long requestsSent() {
    return sent.get();
  }

  /** Requests that got no HTTP answer (connection failure, timeout). */
  public long requestsFailed() {
    return failed.get();
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  public ClientSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    HttpClients.shutdownNow(http1);
    if (http2 != http1) {
      HttpClients.shutdownNow(http2);
    }
    executor.shutdownNow();
  }
}
