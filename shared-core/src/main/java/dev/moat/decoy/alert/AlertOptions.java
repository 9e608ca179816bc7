package dev.moat.decoy.alert;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alerting options of {@code moat decoy serve}, as the CLI maps them: {@code --alert-stdout falco|opencanary},
 * {@code --alert-webhook URL} (repeatable) with {@code --alert-webhook-format generic|slack}, {@code --metrics-port N},
 * {@code --metrics-bind ADDR} (default 127.0.0.1), {@code --spool DIR}, {@code --spool-max-bytes N},
 * {@code --dedupe-window 60s}. The parse methods name the option in their errors.
 *
 * @param stdout the stdout format, or null for no stdout sink
 * @param webhooks webhook targets, in order (sink names webhook-1, webhook-2, …)
 * @param metricsPort the /metrics port, or null to not serve it
 * @param metricsBind the address /metrics binds to
 * @param spool the spool directory
 * @param dedupeWindow the noise-control window; zero turns it off
 * @param spoolMaxBytes the spool's size bound
 */
public record AlertOptions(StdoutFormat stdout, List<WebhookTarget> webhooks, Integer metricsPort, String metricsBind, Path spool,
    Duration dedupeWindow, long spoolMaxBytes) {

  public static final String DEFAULT_METRICS_BIND = "127.0.0.1";
  public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofSeconds(60);
  public static final long DEFAULT_SPOOL_MAX_BYTES = 256L << 20;

  public enum StdoutFormat {
    FALCO,
    OPENCANARY
  }

  /** One {@code --alert-webhook}. */
  public record WebhookTarget(URI url, WebhookSink.Format format) {
    public WebhookTarget {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(format, "format");
    }
  }

  public AlertOptions {
    webhooks = List.copyOf(webhooks == null ? List.of() : webhooks);
    metricsBind = metricsBind == null ? DEFAULT_METRICS_BIND : metricsBind;
    spool = spool == null ? Path.of(System.getProperty("java.io.tmpdir"), "moat-alert-spool") : spool;
    dedupeWindow = dedupeWindow == null ? DEFAULT_DEDUPE_WINDOW : dedupeWindow;
    spoolMaxBytes = spoolMaxBytes <= 0 ? DEFAULT_SPOOL_MAX_BYTES : spoolMaxBytes;
  }

  /** {@code --metrics-port N}: 0 picks a free port. */
  public static int parseMetricsPort(String text) throws MoatException {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MoatException(Failure.INVALID_INPUT, "--metrics-port '" + text + "' is not a port", "give a port from 1 to 65535");
  }

  /** {@code --alert-stdout falco|opencanary}. */
  public static StdoutFormat parseStdoutFormat(String text) throws MoatException {
    try {
      return StdoutFormat.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MoatException(Failure.INVALID_INPUT, "--alert-stdout '" + text + "' is not a format", "give falco or opencanary");
    }
  }

  /** {@code --alert-webhook-format generic|slack}. */
  public static WebhookSink.Format parseWebhookFormat(String text) throws MoatException {
    try {
      return WebhookSink.Format.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MoatException(Failure.INVALID_INPUT, "--alert-webhook-format '" + text + "' is not a format", "give generic or slack");
    }
  }

  /** {@code --alert-webhook URL}: http or https with a host. */
  public static URI parseWebhookUrl(String text) throws MoatException {
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new MoatException(Failure.INVALID_INPUT, "--alert-webhook '" + text + "' is not an http(s) URL",
        "give a URL like https://hooks.example.com/moat");
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  /** {@code --dedupe-window}: {@code 0}, {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
  public static Duration parseDuration(String option, String text) throws MoatException {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new MoatException(Failure.INVALID_INPUT, option + " '" + text + "' is not a duration", "give e.g. 60s, 500ms, 5m or 0");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    switch (unit) {
      case "ms":
        return Duration.ofMillis(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofSeconds(n);
    }
  }
}
