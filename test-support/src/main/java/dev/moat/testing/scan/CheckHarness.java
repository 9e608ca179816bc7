package dev.moat.testing.scan;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Evidence;
import dev.moat.scan.Finding;
import dev.moat.scan.OutOfBandListener;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import dev.moat.scan.ScanSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one check directly against a target, for the checks' own tests: a plain in-scope HTTP client (no rate
 * limit, no auth), a baseline cache, markers, and a list of what the check reported (not de-duplicated, so a
 * test sees exactly what the check said). Scan-level behaviour (rate limits, auth, de-duplication, reports) is
 * the engine's and is tested through {@code ScanEngine}.
 */
public final class CheckHarness implements CheckContext, ScanClient {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int BODY_CAP = 1024 * 1024;

  private final URI target;
  private final ScanScope scope;
  private final OutOfBandListener outOfBand;
  private final ScanSettings settings;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, ScanResponse> baselines = new ConcurrentHashMap<>();
  private final List<Finding> findings = new CopyOnWriteArrayList<>();
  private final Set<String> markers = ConcurrentHashMap.newKeySet();
  private final AtomicLong sent = new AtomicLong();
  private final SecureRandom random = new SecureRandom();

  public CheckHarness(URI target, OutOfBandListener outOfBand, ScanSettings settings) {
    this.target = target;
    this.scope = ScanScope.of(List.of(target), null);
    this.outOfBand = outOfBand;
    this.settings = settings;
  }

  public CheckHarness(URI target) {
    this(target, null, ScanSettings.defaults());
  }

  /** Runs {@code check} on each endpoint, then on the target; returns everything it reported. */
  public List<Finding> run(Check check, List<Endpoint> endpoints) throws IOException, InterruptedException {
    findings.clear();
    for (Endpoint e : endpoints) {
      check.scan(e, this);
    }
    check.scanTarget(target, this);
    return List.copyOf(findings);
  }

  @Override
  public ScanClient client() {
    return this;
  }

  @Override
  public ScanResponse baseline(Endpoint endpoint) throws IOException, InterruptedException {
    ScanResponse cached = baselines.get(endpoint.key());
    if (cached != null) {
      return cached;
    }
    ScanResponse response = send(endpoint.baseline());
    baselines.put(endpoint.key(), response);
    return response;
  }

  @Override
  public OutOfBandListener outOfBand() {
    return outOfBand;
  }

  @Override
  public String marker() {
    while (true) {
      StringBuilder sb = new StringBuilder("moat");
      for (int i = 0; i < 10; i++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      if (markers.add(sb.toString())) {
        return sb.toString();
      }
    }
  }

  @Override
  public ScanSettings settings() {
    return settings;
  }

  @Override
  public Evidence evidence(ScanRequest request, ScanResponse response) {
    return new Evidence(request.toText(2000), response == null ? "" : response.toText(2000));
  }

  @Override
  public void report(Finding finding) {
    findings.add(finding);
  }

  @Override
  public ScanResponse send(ScanRequest request) throws IOException, InterruptedException {
    if (!scope.allows(request.uri())) {
      throw new OutOfScopeException(request.uri());
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(30))
        .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach((k, vs) -> vs.forEach(v -> builder.header(k, v)));
    long start = System.nanoTime();
    sent.incrementAndGet();
    HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    boolean truncated;
    try (InputStream in = response.body()) {
      body = in.readNBytes(BODY_CAP);
      truncated = in.read() >= 0;
    }
    return new ScanResponse(request.uri(), response.statusCode(), response.headers().map(), body, truncated, (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public ScanResponse sendFollowingRedirects(ScanRequest request) throws IOException, InterruptedException {
    ScanRequest current = request;
    for (int i = 0; i < 10; i++) {
      ScanResponse response = send(current);
      if (!response.isRedirect()) {
        return response;
      }
      URI next = current.uri().resolve(response.header("location"));
      if (!scope.allows(next)) {
        return response;
      }
      current = ScanRequest.get(next);
    }
    return send(current);
  }

  @Override
  public ScanScope scope() {
    return scope;
  }

  @Override
  public long requestsSent() {
    return sent.get();
  }

  /** What the last {@link #run} reported. */
  public List<Finding> findings() {
    return new ArrayList<>(findings);
  }
}
