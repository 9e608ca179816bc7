package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scan one service or API.
 *
 * @param target the base URL scanned (http or https)
 * @param openApi an OpenAPI 3 / Swagger 2 document, a file or a URL; null: none
 * @param crawl crawl HTML links and forms from the target (also the default when there is no OpenAPI document)
 * @param scope a regular expression that widens the scope beyond the target's origin; null: same origin only
 * @param checks the vulnerability classes to test; empty: all
 * @param engine {@code moat} (the built-in engine) or {@code zap} (drive an existing ZAP)
 * @param zapUrl ZAP's API address (engine zap)
 * @param zapApiKeyEnv the environment variable holding ZAP's API key (engine zap); its value is never logged
 * @param concurrency requests in flight at most
 * @param rps requests per second at most; 0: no limit
 * @param timeout per-request timeout
 * @param maxResponseBytes response bytes read at most per request
 * @param crawlDepth link depth the crawler follows
 * @param crawlPages pages the crawler fetches at most
 * @param credentials the authentication to send, as names of environment variables holding the secrets
 * @param oobListen {@code host:port} of the out-of-band listener (SSRF, blind XXE); null: 127.0.0.1 on a free port;
 *     {@code off}: none
 * @param oobUrl the URL the target reaches the listener at (in a cluster: the pod's address); null: the listen address
 * @param templates a directory of extra PoC templates; null: the built-in ones only
 * @param timeDelay the delay time-based payloads ask for
 * @param maxLoginAttempts login attempts per login endpoint at most (weak-password check)
 * @param reportDir where the reports are written
 * @param formats report formats: json, sarif, junit, html, markdown
 * @param failOn the gate: fail when a finding is at this severity or worse; null: never fail on findings
 */
public record ScanApiRequest(
    URI target,
    String openApi,
    boolean crawl,
    String scope,
    List<VulnerabilityClass> checks,
    String engine,
    URI zapUrl,
    String zapApiKeyEnv,
    int concurrency,
    int rps,
    Duration timeout,
    long maxResponseBytes,
    int crawlDepth,
    int crawlPages,
    ScanCredentials credentials,
    String oobListen,
    URI oobUrl,
    Path templates,
    Duration timeDelay,
    int maxLoginAttempts,
    Path reportDir,
    List<String> formats,
    Severity failOn) {

  public static final List<String> ALL_FORMATS = List.of("json", "sarif", "junit", "html", "markdown");

  public ScanApiRequest {
    checks = List.copyOf(checks);
    formats = List.copyOf(formats);
  }

  /**
   * Parameters: target, openapi, crawl, scope, checks, engine, zap-url, zap-api-key-env, concurrency, rps, timeout,
   * max-response-bytes, crawl-depth, crawl-pages, bearer-token-env, basic-user, basic-password-env, api-key-header,
   * api-key-env, cookie-env, oob-listen, oob-url, templates, time-delay, max-login-attempts, report-dir, formats,
   * fail-on.
   */
  public static ScanApiRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    URI target = httpUrl("target", p.required("target"));
    String openApi = p.optional("openapi", null);
    String engine = p.optional("engine", "moat").toLowerCase(Locale.ROOT);
    if (!engine.equals("moat") && !engine.equals("zap")) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'engine' is '" + engine + "'", "give moat or zap");
    }
    String zap = p.optional("zap-url", null);
    if (engine.equals("zap") && zap == null) {
      throw new MoatException(Failure.INVALID_INPUT, "the zap engine needs parameter 'zap-url'", "give ZAP's API address, e.g. http://127.0.0.1:8080");
    }
    List<VulnerabilityClass> checks = new ArrayList<>();
    for (String id : p.list("checks")) {
      if (id.equalsIgnoreCase("all")) {
        checks.clear();
        break;
      }
      VulnerabilityClass c = VulnerabilityClass.byId(id);
      if (c == null) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter 'checks': '" + id + "' is not a check", "give any of " + checkIds() + " or all");
      }
      checks.add(c);
    }
    List<String> formats = new ArrayList<>();
    for (String f : p.list("formats")) {
      String format = f.toLowerCase(Locale.ROOT);
      if (format.equals("all")) {
        formats = new ArrayList<>(ALL_FORMATS);
        break;
      }
      if (format.equals("md")) {
        format = "markdown";
      }
      if (!ALL_FORMATS.contains(format)) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter 'formats': '" + f + "' is not a report format", "give any of " + ALL_FORMATS + " or all");
      }
      if (!formats.contains(format)) {
        formats.add(format);
      }
    }
    if (formats.isEmpty()) {
      formats = new ArrayList<>(ALL_FORMATS);
    }
    String failOnText = p.optional("fail-on", null);
    Severity failOn = null;
    if (failOnText != null && !failOnText.equalsIgnoreCase("none") && !failOnText.equalsIgnoreCase("never")) {
      failOn = Severity.parse(failOnText);
      if (failOn == null) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter 'fail-on' is '" + failOnText + "'", "give critical, high, medium, low, info or none");
      }
    }
    int concurrency = positive(p, "concurrency", 16);
    int rps = p.integer("rps", 0);
    if (rps < 0) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'rps' is " + rps, "give 0 (no limit) or a positive number");
    }
    String oob = p.optional("oob-listen", null);
    String oobUrl = p.optional("oob-url", null);
    String templates = p.optional("templates", null);
    Duration timeout = p.duration("timeout", Duration.ofSeconds(10));
    Duration timeDelay = p.duration("time-delay", Duration.ofSeconds(3));
    if (timeDelay.toMillis() < 1000 || timeDelay.plusSeconds(1).compareTo(timeout) > 0) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'time-delay' is " + timeDelay.toMillis() + " ms with a timeout of " + timeout.toMillis() + " ms",
          "give a time-delay of at least 1s and at least 1s shorter than --timeout, so a delayed answer arrives before the timeout");
    }
    return new ScanApiRequest(
        target,
        openApi,
        p.flag("crawl") || openApi == null,
        p.optional("scope", null),
        checks,
        engine,
        zap == null ? null : httpUrl("zap-url", zap),
        p.optional("zap-api-key-env", "MOAT_ZAP_API_KEY"),
        concurrency,
        rps,
        timeout,
        p.bytes("max-response-bytes", 1024 * 1024),
        positive(p, "crawl-depth", 3),
        positive(p, "crawl-pages", 200),
        new ScanCredentials(p.optional("bearer-token-env", null), p.optional("basic-user", null), p.optional("basic-password-env", null),
            p.optional("api-key-header", null), p.optional("api-key-env", null), p.optional("cookie-env", null)).checked(),
        oob,
        oobUrl == null ? null : httpUrl("oob-url", oobUrl),
        templates == null ? null : Path.of(templates),
        timeDelay,
        positive(p, "max-login-attempts", 20),
        Path.of(p.optional("report-dir", "moat-scan")),
        formats,
        failOn);
  }

  /**
   * The same scan aimed at another target (cluster mode: each discovered Service), writing its reports to {@code dir};
   * it crawls when there is no OpenAPI document or {@code alwaysCrawl}.
   */
  public ScanApiRequest forTarget(URI newTarget, String newOpenApi, boolean alwaysCrawl, Path dir) {
    return new ScanApiRequest(newTarget, newOpenApi, alwaysCrawl || newOpenApi == null, scope, checks, engine, zapUrl, zapApiKeyEnv, concurrency, rps,
        timeout, maxResponseBytes, crawlDepth, crawlPages, credentials, oobListen, oobUrl, templates, timeDelay, maxLoginAttempts, dir, formats, failOn);
  }

  private static int positive(Parameters p, String name, int fallback) throws MoatException {
    int value = p.integer(name, fallback);
    if (value < 1) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is " + value, "give a positive number");
    }
    return value;
  }

  static URI httpUrl(String name, String value) throws MoatException {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (java.net.URISyntaxException e) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is not a URL: " + value, "give an absolute http:// or https:// URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is not an http(s) URL: " + value, "give an absolute http:// or https:// URL");
    }
    return uri;
  }

  private static String checkIds() {
    List<String> ids = new ArrayList<>();
    for (VulnerabilityClass c : VulnerabilityClass.values()) {
      ids.add(c.id());
    }
    return String.join(", ", ids);
  }
}
