package dev.moat.testing.scan;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Evidence;
import dev.moat.scan.Finding;
import dev.moat.scan.OutOfBandListener;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.engine.ClientSettings;
import dev.moat.scan.engine.HttpScanClient;
import dev.moat.scan.engine.Markers;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs one check directly against a target, for the checks' own tests: the engine's HTTP client held to the
 * target's origin (no rate limit, no auth), a baseline cache, markers, and a list of what the check reported (not
 * de-duplicated, so a test sees exactly what the check said). Scan-level behaviour (de-duplication, failures as
 * notes, reports) is the engine's and is tested through {@code ScanEngine} and the CLI.
 */
public final class CheckHarness implements CheckContext, ScanClient {

  private final URI target;
  private final OutOfBandListener outOfBand;
  private final ScanSettings settings;
  private final HttpScanClient http;
  private final Map<String, ScanResponse> baselines = new ConcurrentHashMap<>();
  private final List<Finding> findings = new CopyOnWriteArrayList<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private final Markers markers = new Markers();

  public CheckHarness(URI target, OutOfBandListener outOfBand, ScanSettings settings) {
    this.target = target;
    this.outOfBand = outOfBand;
    this.settings = settings;
    this.http = new HttpScanClient(ScanScope.of(List.of(target), null), ClientSettings.defaults().withTimeout(Duration.ofSeconds(30)));
  }

  public CheckHarness(URI target) {
    this(target, null, ScanSettings.defaults());
  }

  /** Runs {@code check} on each endpoint, then on the target; returns everything it reported. */
  public List<Finding> run(Check check, List<Endpoint> endpoints) throws IOException, InterruptedException {
    findings.clear();
    notes.clear();
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
    return markers.next();
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
  public void note(String text) {
    notes.add(text);
  }

  /** The notes the last {@link #run} recorded. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  @Override
  public ScanResponse send(ScanRequest request) throws IOException, InterruptedException {
    return http.send(request);
  }

  @Override
  public ScanResponse sendWithoutCookieJar(ScanRequest request) throws IOException, InterruptedException {
    return http.sendWithoutCookieJar(request);
  }

  @Override
  public ScanResponse sendFollowingRedirects(ScanRequest request) throws IOException, InterruptedException {
    return http.sendFollowingRedirects(request);
  }

  @Override
  public ScanScope scope() {
    return http.scope();
  }

  @Override
  public long requestsSent() {
    return http.requestsSent();
  }

  /** What the last {@link #run} reported. */
  public List<Finding> findings() {
    return new ArrayList<>(findings);
  }
}
