package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertSpoolTest {

  @TempDir
  Path dir;

  @Test
  void aSecondWriterOnTheSameSpoolIsRefusedUntilTheFirstCloses() throws Exception {
    try (AlertSpool first = AlertSpool.open(dir, 4096, 1 << 20)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertSpool.open(dir, 4096, 1 << 20))
          .isInstanceOfSatisfying(dev.moat.MoatException.class, e -> {
            assertThat(e.failure()).isEqualTo(dev.moat.Failure.INVALID_INPUT);
            assertThat(e.getMessage()).contains("is in use by another moat decoy serve");
          });
    }
    try (AlertSpool again = AlertSpool.open(dir, 4096, 1 << 20)) {
      assertThat(again.bytes()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void aLineCutShortByACrashIsTrimmedOnReopenAndTheCompleteAlertsKeepTheirIds() throws Exception {
    List<String> ids;
    try (AlertSpool spool = AlertSpool.open(dir, 4096, 1 << 20)) {
      for (int i = 0; i < 3; i++) {
        spool.append(new SpooledAlert("id-" + i, Alerts.redisConfigSet("10.0.0.1", "cmd " + i, Instant.now())));
      }
      ids = spool.read(spool.register("s"), 10).stream().map(e -> e.alert().id()).collect(Collectors.toList());
    }
    Path segment;
    try (var files = Files.list(dir)) {
      segment = files.filter(p -> p.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
    }
    Files.write(segment, "{\"id\":\"half-writ".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    try (AlertSpool spool = AlertSpool.open(dir, 4096, 1 << 20)) {
      spool.append(new SpooledAlert("id-3", Alerts.redisConfigSet("10.0.0.1", "cmd 3", Instant.now())));
      List<AlertSpool.Entry> all = spool.read(spool.register("s"), 10);

      assertThat(ids).containsExactly("id-0", "id-1", "id-2");
      assertThat(all).extracting(e -> e.alert().id()).containsExactly("id-0", "id-1", "id-2", "id-3");
      assertThat(all.get(3).alert().alert().excerpt()).isEqualTo("cmd 3");
    }
  }

  @Test
  void aReaderFollowsRolledSegmentsAndAcknowledgingDeletesPassedOnes() throws Exception {
    try (AlertSpool spool = AlertSpool.open(dir, 1024, 1 << 20)) {
      AlertSpool.Position start = spool.register("s");
      for (int i = 0; i < 20; i++) {
        spool.append(new SpooledAlert("id-" + i, Alerts.redisConfigSet("10.0.0.1", "cmd " + i, Instant.now())));
      }
      assertThat(spool.segmentNumbers().size()).isGreaterThan(3);

      List<AlertSpool.Entry> all = spool.read(start, 100);
      assertThat(all).extracting(e -> e.alert().id()).hasSize(20).startsWith("id-0").endsWith("id-19");

      spool.acknowledge("s", all.get(19).next());
      assertThat(spool.segmentNumbers()).hasSize(1);
      assertThat(spool.read(all.get(19).next(), 100)).isEmpty();
    }
  }
}
