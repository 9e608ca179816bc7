package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.decoy.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoiseFilterTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void theFirstAlertPassesAtOnceAndRepeatsInTheWindowBecomeOneSummaryWithTheirCount() {
    NoiseFilter filter = new NoiseFilter(Duration.ofSeconds(60), 100);
    List<Alert> emitted = new ArrayList<>(filter.offer(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", T0)));
    for (int i = 1; i <= 9; i++) {
      emitted.addAll(filter.offer(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", T0.plusSeconds(i))));
    }
    assertThat(emitted).hasSize(1);
    assertThat(emitted.get(0).count()).isEqualTo(1);
    assertThat(filter.expire(T0.plusSeconds(59))).isEmpty();

    List<Alert> summaries = filter.expire(T0.plusSeconds(60));

    assertThat(summaries).hasSize(1);
    assertThat(summaries.get(0).count()).isEqualTo(9);
    assertThat(summaries.get(0).fields()).containsEntry("moat_summary", "true");
    assertThat(summaries.get(0).time()).isEqualTo(T0.plusSeconds(9));
    assertThat(filter.openWindows()).isZero();
  }

  @Test
  void alertsThatDifferInSourceActionOrExcerptAreNotCollapsed() {
    NoiseFilter filter = new NoiseFilter(Duration.ofSeconds(60), 100);
    List<Alert> emitted = new ArrayList<>();
    emitted.addAll(filter.offer(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", T0)));
    emitted.addAll(filter.offer(Alerts.redisConfigSet("10.0.0.2", "CONFIG SET dir /tmp", T0)));
    emitted.addAll(filter.offer(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /root", T0)));
    Alert other = Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", T0);
    emitted.addAll(filter.offer(new Alert(other.time(), other.decoyName(), other.decoyType(), null, null, other.sourceIp(), 1, "redis",
        "redis.slaveof", other.excerpt(), other.severity(), null, null, 1)));
    assertThat(emitted).hasSize(4);
  }

  @Test
  void aRepeatAfterTheWindowOpensANewWindowAndClosesTheOldOne() {
    NoiseFilter filter = new NoiseFilter(Duration.ofSeconds(10), 100);
    filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0));
    filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0.plusSeconds(5)));

    List<Alert> out = filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0.plusSeconds(10)));

    assertThat(out).extracting(Alert::count).containsExactly(1, 1);
    assertThat(out.get(0).fields()).containsEntry("moat_summary", "true");
    assertThat(out.get(1).fields()).doesNotContainKey("moat_summary");
  }

  @Test
  void theTableIsBoundedAndTheOldestWindowClosesEarly() {
    NoiseFilter filter = new NoiseFilter(Duration.ofSeconds(60), 3);
    filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0));
    filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0.plusSeconds(1)));
    filter.offer(Alerts.redisConfigSet("10.0.0.2", "x", T0));
    filter.offer(Alerts.redisConfigSet("10.0.0.3", "x", T0));

    List<Alert> out = filter.offer(Alerts.redisConfigSet("10.0.0.4", "x", T0));

    assertThat(filter.openWindows()).isEqualTo(3);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).sourceIp()).isEqualTo("10.0.0.1");
    assertThat(out.get(0).count()).isEqualTo(1);
    assertThat(out.get(1).sourceIp()).isEqualTo("10.0.0.4");
  }

  @Test
  void aZeroWindowPassesEverything() {
    NoiseFilter filter = new NoiseFilter(Duration.ZERO, 3);
    for (int i = 0; i < 5; i++) {
      assertThat(filter.offer(Alerts.redisConfigSet("10.0.0.1", "x", T0))).hasSize(1);
    }
    assertThat(filter.openWindows()).isZero();
  }

  @Test
  void closingThePipelineEmitsThePendingSummaryToTheSinks() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("moat-noise");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (AlertPipeline p = AlertPipeline.builder().spool(dir).dedupeWindow(Duration.ofHours(1))
        .sink(new FalcoJsonSink("stdout", out, "node-1")).build()) {
      for (int i = 0; i < 7; i++) {
        p.publish(Alerts.redisConfigSet("10.0.0.1", "CONFIG SET dir /tmp", Instant.now()));
      }
      Alerts.await("the first alert", () -> out.size() > 0);
    }
    String[] lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).contains("\"moat.count\":1");
    assertThat(lines[1]).contains("\"moat.count\":6", "\"moat.field.moat_summary\":\"true\"");
  }
}
