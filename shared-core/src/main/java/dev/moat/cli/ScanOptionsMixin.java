package dev.moat.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every scan takes (engine, limits, authentication, reports, gate), mapped onto the scan request's
 * string parameters so the CLI and the wrappers share one validation.
 */
final class ScanOptionsMixin {

  @Option(names = "--checks", paramLabel = "CHECK", split = ",",
      description = "Vulnerability classes to test (xss, sqli, command-injection, code-injection, directory-enumeration, path-traversal, xxe, poc, "
          + "file-upload, weak-password, jsonp, ssrf, open-redirect, crlf-injection) or all. Default: all.")
  List<String> checks = new ArrayList<>();

  @Option(names = "--scope", paramLabel = "REGEX", description = "Also allow URLs matching REGEX (from the start). Default: the target's origin only.")
  String scope;

  @Option(names = "--engine", paramLabel = "moat|zap", defaultValue = "moat", description = "moat (built-in) or zap (drive an existing ZAP). Default: ${DEFAULT-VALUE}.")
  String engine;

  @Option(names = "--zap-url", paramLabel = "URL", description = "ZAP's API address, for --engine zap (e.g. http://127.0.0.1:8080).")
  String zapUrl;

  @Option(names = "--zap-api-key-env", paramLabel = "VAR", defaultValue = "MOAT_ZAP_API_KEY",
      description = "Environment variable holding ZAP's API key. Default: ${DEFAULT-VALUE}.")
  String zapApiKeyEnv;

  @Option(names = "--concurrency", paramLabel = "N", description = "Requests in flight at most. Default: 16.")
  String concurrency;

  @Option(names = "--rps", paramLabel = "N", description = "Requests per second at most; 0 for no limit. Default: 0.")
  String rps;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Per-request timeout (500ms, 10s, 1m). Default: 10s.")
  String timeout;

  @Option(names = "--max-response-bytes", paramLabel = "SIZE", description = "Response bytes read at most per request. Default: 1M.")
  String maxResponseBytes;

  @Option(names = "--crawl-depth", paramLabel = "N", description = "Link depth the crawler follows. Default: 3.")
  String crawlDepth;

  @Option(names = "--crawl-pages", paramLabel = "N", description = "Pages the crawler fetches at most. Default: 200.")
  String crawlPages;

  @Option(names = "--bearer-token-env", paramLabel = "VAR", description = "Send Authorization: Bearer with the token in VAR.")
  String bearerTokenEnv;

  @Option(names = "--basic-user", paramLabel = "USER", description = "Basic authentication user (with --basic-password-env).")
  String basicUser;

  @Option(names = "--basic-password-env", paramLabel = "VAR", description = "Environment variable holding the basic-authentication password.")
  String basicPasswordEnv;

  @Option(names = "--api-key-header", paramLabel = "NAME", description = "Header carrying an API key (with --api-key-env), e.g. X-API-Key.")
  String apiKeyHeader;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the API key.")
  String apiKeyEnv;

  @Option(names = "--cookie-env", paramLabel = "VAR", description = "Environment variable holding a Cookie header value (session=…).")
  String cookieEnv;

  @Option(names = "--oob-listen", paramLabel = "HOST:PORT|off",
      description = "Where the out-of-band listener (SSRF, blind XXE) listens, or off. Default: 127.0.0.1 on a free port.")
  String oobListen;

  @Option(names = "--oob-url", paramLabel = "URL", description = "The URL the target reaches the listener at (in a cluster: this pod's address).")
  String oobUrl;

  @Option(names = "--templates", paramLabel = "DIR", description = "A directory of extra PoC templates (Nuclei format subset).")
  String templates;

  @Option(names = "--time-delay", paramLabel = "DURATION", description = "Delay time-based payloads ask for. Default: 3s.")
  String timeDelay;

  @Option(names = "--max-login-attempts", paramLabel = "N", description = "Login attempts per login endpoint at most. Default: 20.")
  String maxLoginAttempts;

  @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "moat-scan", description = "Where the reports are written. Default: ${DEFAULT-VALUE}.")
  String reportDir;

  @Option(names = "--format", paramLabel = "FORMAT", split = ",",
      description = "Report formats: json, sarif, junit, html, markdown or all. Default: all.")
  List<String> formats = new ArrayList<>();

  @Option(names = "--fail-on", paramLabel = "SEVERITY", description = "Exit 30 when a finding is at SEVERITY (critical, high, medium, low, info) or worse.")
  String failOn;

  /** The options as the request's parameters (absent options left out, so the request's defaults apply). */
  Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    put(p, "checks", String.join(",", checks));
    put(p, "scope", scope);
    put(p, "engine", engine);
    put(p, "zap-url", zapUrl);
    put(p, "zap-api-key-env", zapApiKeyEnv);
    put(p, "concurrency", concurrency);
    put(p, "rps", rps);
    put(p, "timeout", timeout);
    put(p, "max-response-bytes", maxResponseBytes);
    put(p, "crawl-depth", crawlDepth);
    put(p, "crawl-pages", crawlPages);
    put(p, "bearer-token-env", bearerTokenEnv);
    put(p, "basic-user", basicUser);
    put(p, "basic-password-env", basicPasswordEnv);
    put(p, "api-key-header", apiKeyHeader);
    put(p, "api-key-env", apiKeyEnv);
    put(p, "cookie-env", cookieEnv);
    put(p, "oob-listen", oobListen);
    put(p, "oob-url", oobUrl);
    put(p, "templates", templates);
    put(p, "time-delay", timeDelay);
    put(p, "max-login-attempts", maxLoginAttempts);
    put(p, "report-dir", reportDir);
    put(p, "formats", String.join(",", formats));
    put(p, "fail-on", failOn);
    return p;
  }

  private static void put(Map<String, String> p, String name, String value) {
    if (value != null && !value.isBlank()) {
      p.put(name, value);
    }
  }
}
