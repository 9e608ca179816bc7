package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Check;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanScope;
import dev.moat.scan.ScanSettings;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.check.Checks;
import dev.moat.scan.engine.Authentication;
import dev.moat.scan.engine.ClientSettings;
import dev.moat.scan.engine.HttpScanClient;
import dev.moat.scan.engine.ScanEngine;
import dev.moat.scan.engine.ScanListener;
import dev.moat.scan.oob.OutOfBandServer;
import dev.moat.scan.poc.PocTemplates;
import dev.moat.scan.report.ReportFormat;
import dev.moat.scan.report.ScanMarkdownReport;
import dev.moat.scan.report.ScanReportWriter;
import dev.moat.scan.zap.ZapScanner;
import dev.moat.scan.zap.ZapSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API-scan stage: read the targets (OpenAPI operations, crawled links and forms, the target itself), run the
 * checks with the built-in engine or drive ZAP, write the reports and apply the {@code fail-on} gate.
 */
public final class ScanApiStage {

  /** Rows of the Markdown summary; the reports hold every finding. */
  private static final int SUMMARY_ROWS = 25;

  public StageResult run(ScanApiRequest request, StageContext context, StageListener listener) throws MoatException {
    try {
      ScanReport report = scan(request, context, listener);
      return result(report, write(report, request), request.failOn());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.INTERNAL, "the scan was interrupted", "run it again");
    }
  }

  /** Scans and returns the report without writing it. */
  ScanReport scan(ScanApiRequest request, StageContext context, StageListener listener) throws MoatException, InterruptedException {
    ScanReport report = request.engine().equals("zap") ? zap(request, context, listener) : moat(request, context, listener);
    report.notes().forEach(n -> listener.detail("note: " + n));
    return report;
  }

  /** Writes the report in the request's formats into its report directory. */
  static List<Path> write(ScanReport report, ScanApiRequest request) throws MoatException {
    List<VulnerabilityClass> tested = request.checks().isEmpty() ? List.of(VulnerabilityClass.values()) : request.checks();
    return ScanReportWriter.write(report, tested, request.reportDir(), request.formats().stream().map(ReportFormat::byId).toList());
  }

  private ScanReport zap(ScanApiRequest request, StageContext context, StageListener listener) throws MoatException, InterruptedException {
    String key = context.env().get(request.zapApiKeyEnv());
    ZapScanner zap = new ZapScanner(ZapSettings.of(request.zapUrl(), key == null || key.isEmpty() ? null : key), listener::info, context.clock());
    listener.info("Scanning " + request.target() + " with ZAP at " + request.zapUrl());
    return zap.scan(request.target(), scope(request), request.openApi());
  }

  private ScanReport moat(ScanApiRequest request, StageContext context, StageListener listener) throws MoatException, InterruptedException {
    ScanScope scope = scope(request);
    ClientSettings clientSettings = new ClientSettings(request.concurrency(), request.rps(), request.timeout(),
        (int) Math.min(Integer.MAX_VALUE, request.maxResponseBytes()), true, authentication(request.credentials(), context.env()));
    ScanSettings settings = new ScanSettings(request.timeDelay(), request.maxLoginAttempts(), ScanSettings.defaults().redirectMarkerHost(),
        request.templates(), ScanSettings.defaults().outOfBandWait());
    List<Check> checks = Checks.all().stream().filter(c -> request.checks().isEmpty() || request.checks().contains(c.type())).toList();
    if (checks.stream().anyMatch(c -> c.type() == VulnerabilityClass.POC)) {
      // every template is read and checked before the first request: a bad one is bad input, not a note
      listener.detail(PocTemplates.load(request.templates()).size() + " PoC template(s)");
    }
    try (HttpScanClient client = new HttpScanClient(scope, clientSettings); OutOfBandServer oob = outOfBand(request, context)) {
      ScanTargets.Found found = new ScanTargets(request, client, listener).find();
      List<Endpoint> endpoints = found.endpoints();
      listener.info("Scanning " + request.target() + ": " + endpoints.size() + " endpoint(s), " + checks.size() + " check(s)"
          + (oob == null ? ", no out-of-band listener" : ", out-of-band listener at " + oob.callbackUrl("")));
      ScanEngine engine = new ScanEngine(checks, settings, oob, new ScanListener() {
        @Override
        public void finding(Finding f) {
          listener.warn(f.severity().name().toLowerCase(Locale.ROOT) + ": " + f.title() + " — " + f.method() + " " + f.url()
              + (f.parameter() == null ? "" : " [" + f.parameter() + "]"));
        }
      }, context.clock());
      ScanReport report = engine.scan(request.target(), endpoints, client);
      List<String> notes = new java.util.ArrayList<>(found.notes());
      notes.addAll(report.notes());
      return new ScanReport(report.target(), report.engine(), report.started(), report.finished(), client.requestsSent(), report.endpoints(),
          report.findings(), notes);
    }
  }

  /** The out-of-band listener the request asks for ({@code off}: none; default 127.0.0.1 on a free port). */
  static OutOfBandServer outOfBand(ScanApiRequest request, StageContext context) throws MoatException {
    String listen = request.oobListen() == null ? "127.0.0.1:0" : request.oobListen().trim();
    if (listen.equalsIgnoreCase("off")) {
      return null;
    }
    int colon = listen.lastIndexOf(':');
    String host = colon < 0 ? listen : listen.substring(0, colon);
    int port;
    try {
      port = colon < 0 ? 0 : Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65535) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'oob-listen' is '" + listen + "'", "give HOST:PORT (port 0 for a free one) or off");
    }
    try {
      return OutOfBandServer.start(host.replace("[", "").replace("]", ""), port, request.oobUrl(), context.clock());
    } catch (java.io.IOException | RuntimeException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot listen for out-of-band hits on " + listen + ": " + e.getMessage(),
          "give another --oob-listen address, or --oob-listen off (SSRF is then not tested)");
    }
  }

  static ScanScope scope(ScanApiRequest request) throws MoatException {
    try {
      return ScanScope.of(List.of(request.target()), request.scope());
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'scope' is not a regular expression: " + e.getDescription(),
          "give a Java regular expression matched from the start of the URL, e.g. https://api\\.example\\.com/");
    }
  }

  static Authentication authentication(ScanCredentials c, Map<String, String> env) throws MoatException {
    return Authentication.of(
        c.bearerTokenEnv() == null ? null : ScanCredentials.secret(env, "bearer-token-env", c.bearerTokenEnv()),
        c.basicUser(),
        c.basicPasswordEnv() == null ? null : ScanCredentials.secret(env, "basic-password-env", c.basicPasswordEnv()),
        c.apiKeyHeader(),
        c.apiKeyEnv() == null ? null : ScanCredentials.secret(env, "api-key-env", c.apiKeyEnv()),
        c.cookieEnv() == null ? null : ScanCredentials.secret(env, "cookie-env", c.cookieEnv()));
  }

  /** The outputs, the summary and the gate's verdict. */
  static StageResult result(ScanReport report, List<Path> files, Severity failOn) {
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("FINDINGS", Integer.toString(report.findings().size()));
    report.countsBySeverity().forEach((s, n) -> outputs.put(s.name(), Integer.toString(n)));
    outputs.put("REQUESTS", Long.toString(report.requestsSent()));
    outputs.put("ENDPOINTS", Integer.toString(report.endpoints().size()));
    if (!files.isEmpty()) {
      outputs.put("REPORT_DIR", files.get(0).toAbsolutePath().getParent().toString());
    }
    String counted = ScanMarkdownReport.counted(report);
    String summary = ScanMarkdownReport.summary(report, SUMMARY_ROWS);
    if (failOn != null && report.anyAtLeast(failOn)) {
      String message = "findings at " + failOn.name().toLowerCase(Locale.ROOT) + " or worse: " + counted;
      return new StageResult(Verdict.FAIL, Failure.FINDINGS, message, outputs, summary, files);
    }
    return new StageResult(Verdict.PASS, null, "Scan done: " + counted, outputs, summary, files);
  }
}
