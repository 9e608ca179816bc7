package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertOptionsTest {

  @Test
  void durationsTakeMillisecondsSecondsMinutesHoursAndZero() throws Exception {
    assertThat(AlertOptions.parseDuration("--dedupe-window", "60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(AlertOptions.parseDuration("--dedupe-window", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AlertOptions.parseDuration("--dedupe-window", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(AlertOptions.parseDuration("--dedupe-window", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(AlertOptions.parseDuration("--dedupe-window", "0")).isZero();
  }

  @Test
  void badValuesNameTheOptionAndTheValue() {
    assertThatThrownBy(() -> AlertOptions.parseDuration("--dedupe-window", "soon")).isInstanceOf(MoatException.class)
        .hasMessageContaining("--dedupe-window 'soon'")
        .satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
    assertThatThrownBy(() -> AlertOptions.parseStdoutFormat("syslog")).hasMessageContaining("--alert-stdout 'syslog'");
    assertThatThrownBy(() -> AlertOptions.parseWebhookFormat("teams")).hasMessageContaining("--alert-webhook-format 'teams'");
    assertThatThrownBy(() -> AlertOptions.parseWebhookUrl("file:///etc/passwd")).hasMessageContaining("--alert-webhook 'file:///etc/passwd'");
    assertThatThrownBy(() -> AlertOptions.parseMetricsPort("70000")).hasMessageContaining("--metrics-port '70000'");
  }

  @Test
  void formatsAndUrlsParse() throws Exception {
    assertThat(AlertOptions.parseStdoutFormat("Falco")).isEqualTo(AlertOptions.StdoutFormat.FALCO);
    assertThat(AlertOptions.parseStdoutFormat("opencanary")).isEqualTo(AlertOptions.StdoutFormat.OPENCANARY);
    assertThat(AlertOptions.parseWebhookFormat("slack")).isEqualTo(WebhookSink.Format.SLACK);
    assertThat(AlertOptions.parseWebhookUrl("https://hooks.example.com/moat").getHost()).isEqualTo("hooks.example.com");
    assertThat(AlertOptions.parseMetricsPort("9464")).isEqualTo(9464);
  }

  @Test
  void defaultsBindMetricsToLoopbackAndDedupeForAMinute() {
    AlertOptions o = new AlertOptions(null, null, null, null, null, null, 0);
    assertThat(o.metricsBind()).isEqualTo("127.0.0.1");
    assertThat(o.dedupeWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.webhooks()).isEqualTo(List.of());
    assertThat(o.spoolMaxBytes()).isEqualTo(256L << 20);
    assertThat(o.spool()).isNotNull();
  }
}
