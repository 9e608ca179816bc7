package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertPipelineDeliveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path spool;

  private static AlertPipeline.Builder pipeline(Path spool) {
    return AlertPipeline.builder().spool(spool).dedupeWindow(Duration.ZERO).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .syncInterval(Duration.ofMillis(20));
  }

  private static Set<String> excerpts(WebhookReceiver receiver) {
    return receiver.accepted().stream().map(r -> read(r.body()).get("excerpt").asText()).collect(Collectors.toSet());
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static Set<String> attack(int n) {
    return IntStream.range(0, n).mapToObj(i -> "CONFIG SET dir /var/spool/cron #" + i).collect(Collectors.toSet());
  }

  @Test
  void everyAlertReachesTheWebhookReceiverAsGenericJsonWithItsIdInBodyAndHeader() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        AlertPipeline p = pipeline(spool).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
      Set<String> sent = attack(50);
      sent.forEach(e -> p.publish(Alerts.redisConfigSet("10.1.2.3", e, Instant.now())));

      Alerts.await("50 alerts at the receiver", () -> receiver.accepted().size() >= 50);

      assertThat(excerpts(receiver)).isEqualTo(sent);
      for (WebhookReceiver.Received r : receiver.accepted()) {
        JsonNode n = read(r.body());
        assertThat(n.get("id").asText()).isEqualTo(r.alertIdHeader()).isNotBlank();
        assertThat(n.get("decoy_name").asText()).isEqualTo("payments-cache");
        assertThat(n.get("action").asText()).isEqualTo("redis.config_set");
        assertThat(n.get("severity").asText()).isEqualTo("high");
        assertThat(n.get("source_ip").asText()).isEqualTo("10.1.2.3");
        assertThat(n.get("mitre_technique").asText()).isEqualTo("T1190");
        assertThat(n.get("count").asInt()).isEqualTo(1);
      }
      assertThat(receiver.accepted().stream().map(WebhookReceiver.Received::alertIdHeader).distinct()).hasSize(50);
    }
  }

  @Test
  void aWebhookOutageDuringAnAttackLosesNothing() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    try (WebhookReceiver receiver = new WebhookReceiver();
        AlertPipeline p = pipeline(spool).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC))
            .warnings(warnings::add).build()) {
      receiver.unavailable(true);
      Set<String> sent = attack(200);
      List<String> ordered = List.copyOf(sent);
      ordered.subList(0, 100).forEach(e -> p.publish(Alerts.redisConfigSet("10.9.9.9", e, Instant.now())));
      Alerts.await("the receiver refusing a few deliveries", () -> receiver.refused() >= 3);
      ordered.subList(100, 200).forEach(e -> p.publish(Alerts.redisConfigSet("10.9.9.9", e, Instant.now())));
      assertThat(receiver.accepted()).isEmpty();

      receiver.unavailable(false);
      Alerts.await("all 200 alerts after the outage", () -> excerpts(receiver).size() >= 200);

      assertThat(excerpts(receiver)).isEqualTo(sent);
      Set<String> ids = new HashSet<>();
      receiver.accepted().forEach(r -> ids.add(r.alertIdHeader()));
      assertThat(ids).as("one id per alert, so repeats could be dropped by id").hasSize(200);
      assertThat(p.metrics().render()).containsPattern("moat_alert_delivery_failures_total\\{sink=\"webhook-1\"} [1-9]\\d*");
      assertThat(warnings).anyMatch(w -> w.contains("webhook-1 failed")).anyMatch(w -> w.contains("webhook-1 accepts alerts again"));
    }
  }

  @Test
  void aRestartResumesFromTheSpoolAndDeliversTheBacklog() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there while the first pipeline runs
    }
    Set<String> sent = attack(30);
    try (AlertPipeline first = pipeline(spool).drainTimeout(Duration.ofMillis(200))
        .sink(new WebhookSink("webhook-1", URI.create("http://127.0.0.1:" + deadPort + "/hook"), WebhookSink.Format.GENERIC)).build()) {
      sent.forEach(e -> first.publish(Alerts.redisConfigSet("10.7.7.7", e, Instant.now())));
      Alerts.await("the first delivery attempt failing",
          () -> first.metrics().render().matches("(?s).*failures_total\\{sink=\"webhook-1\"} [1-9].*"));
    }

    try (WebhookReceiver receiver = new WebhookReceiver();
        AlertPipeline second = pipeline(spool).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
      Alerts.await("the backlog of 30 at the receiver", () -> excerpts(receiver).size() >= 30);
      assertThat(excerpts(receiver)).isEqualTo(sent);
    }
  }

  @Test
  void aSinkThatAlreadyAcceptedEverythingGetsNothingAgainAfterARestart() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      try (AlertPipeline first = pipeline(spool).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
        attack(10).forEach(e -> first.publish(Alerts.redisConfigSet("10.7.7.7", e, Instant.now())));
        Alerts.await("10 alerts", () -> receiver.accepted().size() >= 10);
      }
      try (AlertPipeline second = pipeline(spool).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
        second.publish(Alerts.redisConfigSet("10.7.7.7", "after restart", Instant.now()));
        Alerts.await("the new alert", () -> excerpts(receiver).contains("after restart"));
      }
      assertThat(receiver.accepted()).hasSize(11);
    }
  }

  @Test
  void theSlackFormatPostsATextBodyWithBlocks() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        AlertPipeline p = pipeline(spool).sink(new WebhookSink("slack", receiver.url(), WebhookSink.Format.SLACK)).build()) {
      p.publish(Alerts.redisConfigSet("10.1.1.1", "CONFIG SET dir /root/.ssh", Instant.now()));
      Alerts.await("the Slack message", () -> !receiver.accepted().isEmpty());
      JsonNode n = read(receiver.accepted().get(0).body());
      assertThat(n.get("text").asText()).contains("redis.config_set", "payments-cache", "10.1.1.1");
      assertThat(n.get("blocks").get(0).get("type").asText()).isEqualTo("section");
      assertThat(n.get("blocks").get(0).get("text").get("type").asText()).isEqualTo("mrkdwn");
    }
  }

  @Test
  void deliveredSegmentsAreDeleted() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      AlertSpool spoolView;
      try (AlertPipeline p = pipeline(spool).spoolSegmentBytes(2048).spoolMaxBytes(1 << 20)
          .sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
        attack(60).forEach(e -> p.publish(Alerts.redisConfigSet("10.3.3.3", e, Instant.now())));
        Alerts.await("60 alerts", () -> receiver.accepted().size() >= 60);
      }
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(spool)) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("segment-")))
            .as("60 alerts of ~500 bytes filled many 2 KiB segments; only the newest stays").hasSize(1);
      }
    }
  }

  @Test
  void aFullSpoolDropsItsOldestSegmentAndCountsTheDroppedAlerts() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      receiver.unavailable(true);
      try (AlertPipeline p = pipeline(spool).spoolSegmentBytes(2048).spoolMaxBytes(8192).drainTimeout(Duration.ofMillis(100))
          .warnings(warnings::add).sink(new WebhookSink("webhook-1", receiver.url(), WebhookSink.Format.GENERIC)).build()) {
        attack(100).forEach(e -> p.publish(Alerts.redisConfigSet("10.4.4.4", e, Instant.now())));

        assertThat(p.spoolBytes()).isLessThanOrEqualTo(8192);
        String metrics = p.metrics().render();
        long dropped = Long.parseLong(metrics.replaceAll("(?s).*\nmoat_alerts_dropped_total (\\d+)\n.*", "$1"));
        assertThat(dropped).isBetween(70L, 100L);
        assertThat(warnings).anyMatch(w -> w.startsWith("alert spool full"));
      }
    }
  }

  @Test
  void aSinkThatFailsPartWayThroughABatchGetsEveryAlertOnceAndInOrder() throws Exception {
    List<String> delivered = new CopyOnWriteArrayList<>();
    Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AlertSink flaky = new AlertSink() {
      @Override
      public String name() {
        return "flaky";
      }

      @Override
      public void deliver(SpooledAlert alert) throws java.io.IOException {
        String excerpt = alert.alert().excerpt();
        if ((excerpt.endsWith("#5") || excerpt.endsWith("#12")) && failedOnce.add(excerpt)) {
          throw new java.io.IOException("receiver hiccup");
        }
        delivered.add(excerpt);
      }
    };
    try (AlertPipeline p = pipeline(spool).sink(flaky).build()) {
      for (int i = 0; i < 30; i++) {
        p.publish(Alerts.redisConfigSet("10.1.2.3", "CONFIG SET dir /tmp #" + i, Instant.now()));
      }
      Alerts.await("30 alerts delivered", () -> delivered.size() >= 30);
    }
    assertThat(failedOnce).containsExactlyInAnyOrder("CONFIG SET dir /tmp #5", "CONFIG SET dir /tmp #12");
    assertThat(delivered).containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "CONFIG SET dir /tmp #" + i).collect(Collectors.toList()));
  }

  @Test
  void aStreamSinkThatFellBehindWritesItsBacklogInBatchesNotALineAtATime() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.OutputStream slowStdout = new java.io.OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        try {
          release.await(); // stdout is stuck (a slow reader of the pipe) until the attack has been spooled
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        writes.incrementAndGet();
        synchronized (bytes) {
          bytes.write(b, off, len);
        }
      }
    };
    try (AlertPipeline p = pipeline(spool).sink(new FalcoJsonSink("stdout", slowStdout, "node-1")).build()) {
      for (int i = 0; i < 200; i++) {
        p.publish(Alerts.redisConfigSet("10.1.2.3", "CONFIG SET dir /tmp #" + i, Instant.now()));
      }
      release.countDown();
      Alerts.await("200 lines on stdout", () -> {
        synchronized (bytes) {
          return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n", -1).length > 200;
        }
      });
    }
    List<String> lines = List.of(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    assertThat(lines).extracting(l -> read(l).get("output_fields").get("moat.excerpt").asText())
        .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "CONFIG SET dir /tmp #" + i).collect(Collectors.toList()));
    assertThat(writes.get()).isLessThan(200 / 10); // 64 alerts per spool read, one write each
  }
}
