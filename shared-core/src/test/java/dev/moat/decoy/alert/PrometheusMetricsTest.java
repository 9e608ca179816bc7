package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusMetricsTest {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? (-?[0-9.eE+]+|NaN|[+-]Inf)");

  @TempDir
  Path spool;

  /**
   * A small checker of the text exposition format 0.0.4: every line a HELP, a TYPE (before its samples, once per
   * family) or a sample with well-formed labels and value. Returns the samples by their full series text.
   */
  static Map<String, Double> parse(String text) {
    assertThat(text).endsWith("\n");
    Map<String, Double> samples = new HashMap<>();
    Set<String> typed = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        assertThat(NAME.matcher(line.split(" ")[2]).matches()).as(line).isTrue();
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertThat(parts).as(line).hasSize(4);
        assertThat(parts[3]).isIn("counter", "gauge", "histogram", "summary", "untyped");
        assertThat(typed.add(parts[2])).as("one TYPE per family: " + line).isTrue();
      } else {
        Matcher m = SAMPLE.matcher(line);
        assertThat(m.matches()).as("sample line: " + line).isTrue();
        assertThat(typed).as("TYPE before samples: " + line).contains(m.group(1));
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return samples;
  }

  @Test
  void metricsAreServedOnLocalhostInTheTextFormatWithTheCounts() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        AlertPipeline p = AlertPipeline.builder().spool(spool).dedupeWindow(Duration.ofSeconds(60)).metricsEndpoint("127.0.0.1", 0)
            .sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
      for (int i = 0; i < 4; i++) {
        p.publish(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", Instant.now()));
      }
      p.publish(new Alert(Instant.now(), "jenkins \"ci\"", "jenkins", null, null, "10.0.0.2", 1, "http", "http.script_console", "println 1",
          AlertSeverity.CRITICAL, "T1059", null, 1));
      p.metrics().connectionOpened("payments-cache");
      p.metrics().connectionOpened("payments-cache");
      Alerts.await("2 alerts delivered", () -> receiver.accepted().size() >= 2);

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      Map<String, Double> samples = parse(response.body());
      assertThat(samples).containsEntry(
          "moat_decoy_alerts_total{decoy=\"payments-cache\",type=\"redis\",action=\"redis.config_set\",severity=\"high\"}", 4.0);
      assertThat(samples).containsEntry(
          "moat_decoy_alerts_total{decoy=\"jenkins \\\"ci\\\"\",type=\"jenkins\",action=\"http.script_console\",severity=\"critical\"}", 1.0);
      assertThat(samples).containsEntry("moat_decoy_connections_total{decoy=\"payments-cache\"}", 2.0);
      assertThat(samples).containsEntry("moat_alert_delivery_failures_total{sink=\"webhook-1\"}", 0.0);
      assertThat(samples).containsEntry("moat_alerts_dropped_total", 0.0);
      assertThat(samples.get("moat_alert_spool_bytes")).isPositive();
      promtoolAccepts(response.body());
    }
  }

  /** Prometheus' own validator, from Debian's prometheus package (installed by .ci/run). */
  private static void promtoolAccepts(String exposition) throws Exception {
    String promtool = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, "promtool").canExecute()) {
        promtool = new File(dir, "promtool").getPath();
      }
    }
    assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus); the format was checked by the parser only");
    Process proc = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
    proc.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    proc.getOutputStream().close();
    String said = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(proc.waitFor()).as("promtool check metrics said: " + said).isZero();
    assertThat(said).as("promtool lint findings").isBlank();
  }
}
