package dev.moat.scan.zap;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Evidence;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanScope;
import dev.moat.scan.Severity;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.zaproxy.clientapi.core.Alert;
import org.zaproxy.clientapi.core.ApiResponse;
import org.zaproxy.clientapi.core.ApiResponseElement;
import org.zaproxy.clientapi.core.ApiResponseList;
import org.zaproxy.clientapi.core.ApiResponseSet;
import org.zaproxy.clientapi.core.ClientApi;
import org.zaproxy.clientapi.core.ClientApiException;

/**
 * The ZAP bridge: drives an existing ZAP through its API (zap-clientapi) — a context that includes only the
 * scan's scope, the OpenAPI import where ZAP has the add-on, the spider, the active scan, polling — and maps
 * ZAP's alerts into Moat findings, so a ZAP scan lands in the same reports and gates as Moat's own engine.
 *
 * <p>Scope: ZAP sends the requests, so the scope is enforced the way ZAP enforces it — the spider is limited to
 * the context and the active scan runs in-scope only. The context is removed afterwards; nothing else in the
 * user's ZAP session is changed.
 */
public final class ZapScanner {

  private static final int PAGE = 500;

  private final ZapSettings settings;
  private final Consumer<String> progress;
  private final Clock clock;

  public ZapScanner(ZapSettings settings, Consumer<String> progress, Clock clock) {
    this.settings = settings;
    this.progress = progress;
    this.clock = clock;
  }

  /**
   * Scans {@code target} with ZAP.
   *
   * @param openApi an OpenAPI document (a file or a URL) to import first, or null
   * @throws MoatException UNREACHABLE when ZAP does not answer, AUTHENTICATION when it refuses the API key,
   *     PROTOCOL when it answers something else than its API
   */
  public ScanReport scan(URI target, ScanScope scope, String openApi) throws MoatException, InterruptedException {
    ClientApi api = connect();
    Instant started = clock.instant();
    List<String> notes = new ArrayList<>();
    String context = "moat-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    String contextId = call(() -> value(api.context.newContext(context)), "create a context");
    try {
      for (String origin : scope.origins()) {
        call(() -> api.context.includeInContext(context, Pattern.quote(origin.replaceFirst(":(80|443)$", "")) + "(:\\d+)?([/?#].*)?"), "set the scope");
        call(() -> api.context.includeInContext(context, Pattern.quote(origin) + "([/?#].*)?"), "set the scope");
      }
      if (scope.extra() != null) {
        call(() -> api.context.includeInContext(context, scope.extra().pattern() + ".*"), "set the scope");
      }
      if (openApi != null) {
        importOpenApi(api, target, openApi, notes);
      }
      call(() -> api.core.accessUrl(target.toString(), "false"), "open the target");
      progress.accept("ZAP: spidering " + target);
      String spider = call(() -> value(api.spider.scan(target.toString(), "", "true", context, "")), "start the spider");
      if (!await(() -> percent(api.spider.status(spider)), settings.spiderTimeout())) {
        call(() -> api.spider.stop(spider), "stop the spider");
        notes.add("ZAP's spider was stopped after " + settings.spiderTimeout().toSeconds() + " s");
      }
      progress.accept("ZAP: active scan of " + target);
      String ascan = call(() -> value(api.ascan.scan(target.toString(), "true", "true", "", "", "", Integer.valueOf(contextId))), "start the active scan");
      if (!await(() -> percent(api.ascan.status(ascan)), settings.scanTimeout())) {
        call(() -> api.ascan.stop(ascan), "stop the active scan");
        notes.add("ZAP's active scan was stopped after " + settings.scanTimeout().toSeconds() + " s; its alerts so far are reported");
      }
      List<Alert> alerts = alerts(api, target);
      List<Finding> findings = map(api, alerts, notes);
      long requests = parseLong(call(() -> value(api.core.numberOfMessages(target.toString())), "count messages"));
      List<Endpoint> endpoints = endpoints(api, target, scope);
      return new ScanReport(target.toString(), "zap", started, clock.instant(), requests, endpoints, findings, notes);
    } finally {
      try {
        api.context.removeContext(context);
      } catch (ClientApiException e) {
        // the scan's result stands; a context left behind is harmless
      }
    }
  }

  private ClientApi connect() throws MoatException {
    URI url = settings.url();
    if (url.getHost() == null || url.getPort() < 0) {
      throw new MoatException(Failure.INVALID_INPUT, "--zap-url " + url + " names no host and port", "give ZAP's API address, e.g. http://127.0.0.1:8080");
    }
    ClientApi api = new ClientApi(url.getHost(), url.getPort(), settings.apiKey());
    try {
      api.core.version();
    } catch (ClientApiException e) {
      if ("bad_api_key".equals(e.getCode()) || refusedWithoutAnswer(e)) {
        // ZAP answers a wrong key (or a client address outside api.addrs) by closing the connection
        throw new MoatException(Failure.AUTHENTICATION, "ZAP at " + url + " refused the API request (wrong API key, or this address is not in ZAP's api.addrs)",
            "pass ZAP's key with --zap-api-key (or MOAT_ZAP_API_KEY) and permit this host in ZAP's API options");
      }
      throw new MoatException(Failure.UNREACHABLE, "ZAP at " + url + " did not answer its API: " + oneLine(e), "start ZAP in daemon mode (zap.sh -daemon) and check --zap-url", e);
    }
    return api;
  }

  private static boolean refusedWithoutAnswer(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketException && String.valueOf(t.getMessage()).contains("Unexpected end of file")) {
        return true;
      }
    }
    return false;
  }

  private void importOpenApi(ClientApi api, URI target, String openApi, List<String> notes) throws MoatException {
    try {
      if (openApi.startsWith("http://") || openApi.startsWith("https://")) {
        api.openapi.importUrl(openApi, target.toString(), "", "");
      } else {
        api.openapi.importFile(Path.of(openApi).toAbsolutePath().toString(), target.toString(), "", "");
      }
      progress.accept("ZAP: imported the OpenAPI document " + openApi);
    } catch (ClientApiException e) {
      if ("no_implementor".equals(e.getCode()) || String.valueOf(e.getMessage()).contains("no_implementor")) {
        notes.add("ZAP has no OpenAPI add-on; the target was spidered instead of importing " + openApi);
      } else {
        throw new MoatException(Failure.INVALID_INPUT, "ZAP could not import the OpenAPI document " + openApi + ": " + oneLine(e), "check the document with `moat scan api --openapi` first");
      }
    }
  }

  private List<Alert> alerts(ClientApi api, URI target) throws MoatException {
    List<Alert> all = new ArrayList<>();
    for (int start = 0; ; start += PAGE) {
      int from = start;
      List<Alert> page = call(() -> api.getAlerts(target.toString(), from, PAGE), "fetch the alerts");
      all.addAll(page);
      if (page.size() < PAGE) {
        return all;
      }
    }
  }

  private List<Finding> map(ClientApi api, List<Alert> alerts, List<String> notes) {
    Map<String, Finding> byKey = new LinkedHashMap<>();
    Map<String, Integer> unmapped = new TreeMap<>();
    for (Alert alert : alerts) {
      VulnerabilityClass type = ZapAlertMapping.type(alert);
      Confidence confidence = ZapAlertMapping.confidence(alert.getConfidence());
      if (confidence == null) {
        continue;
      }
      if (type == null) {
        unmapped.merge(alert.getName() + " (CWE-" + alert.getCweId() + ")", 1, Integer::sum);
        continue;
      }
      Severity severity = ZapAlertMapping.severity(alert.getRisk());
      URI url = URI.create(alert.getUrl());
      String plainUrl = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
      String method = method(api, alert.getMessageId());
      String parameter = alert.getParam() == null || alert.getParam().isEmpty() ? null : alert.getParam();
      String detection = "ZAP rule " + alert.getPluginId() + " (" + alert.getName() + ")"
          + (alert.getEvidence() == null || alert.getEvidence().isEmpty() ? "" : ", evidence: " + clip(alert.getEvidence()));
      Finding finding = new Finding(type, severity, confidence, method, plainUrl, method + " " + plainUrl, parameter, null, alert.getName(),
          new TestMethod(alert.getAttack(), detection), new Evidence(method + " " + alert.getUrl(), clip(alert.getEvidence())));
      byKey.merge(finding.dedupeKey(), finding, (a, b) -> b.severity().ordinal() < a.severity().ordinal() ? b : a);
    }
    unmapped.forEach((name, count) -> notes.add("ZAP alert outside Moat's classes: " + name + " × " + count));
    return new ArrayList<>(byKey.values());
  }

  private static String method(ClientApi api, String messageId) {
    try {
      ApiResponse message = api.core.message(messageId);
      if (message instanceof ApiResponseSet set) {
        String header = set.getStringValue("requestHeader");
        if (header != null && header.indexOf(' ') > 0) {
          return header.substring(0, header.indexOf(' '));
        }
      }
    } catch (ClientApiException | RuntimeException e) {
      // fall through: the method is not essential
    }
    return "GET";
  }

  private List<Endpoint> endpoints(ClientApi api, URI target, ScanScope scope) throws MoatException {
    ApiResponse urls = call(() -> api.core.urls(target.toString()), "list the URLs");
    List<Endpoint> endpoints = new ArrayList<>();
    if (urls instanceof ApiResponseList list) {
      for (ApiResponse item : list.getItems()) {
        if (item instanceof ApiResponseElement e) {
          try {
            URI u = URI.create(e.getValue());
            if (scope.allows(u)) {
              endpoints.add(Endpoint.get(u));
            }
          } catch (IllegalArgumentException ignored) {
            // ZAP keeps URLs a URI cannot hold; they are not endpoints Moat can name
          }
        }
      }
    }
    return endpoints;
  }

  @FunctionalInterface
  private interface ZapCall<T> {
    T run() throws ClientApiException;
  }

  @FunctionalInterface
  private interface Progress {
    int percent() throws ClientApiException;
  }

  private <T> T call(ZapCall<T> call, String what) throws MoatException {
    try {
      return call.run();
    } catch (ClientApiException e) {
      throw new MoatException(Failure.PROTOCOL, "ZAP failed to " + what + ": " + oneLine(e), "see ZAP's log; check that its version is 2.12 or later");
    }
  }

  private boolean await(Progress progressCall, Duration timeout) throws MoatException, InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      int percent = call(progressCall::percent, "report progress");
      if (percent >= 100) {
        return true;
      }
      if (clock.instant().isAfter(deadline)) {
        return false;
      }
      Thread.sleep(settings.pollInterval().toMillis());
    }
  }

  private static String value(ApiResponse response) {
    return response instanceof ApiResponseElement e ? e.getValue() : String.valueOf(response);
  }

  private static int percent(ApiResponse response) {
    return (int) parseLong(value(response));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ");
  }
}
