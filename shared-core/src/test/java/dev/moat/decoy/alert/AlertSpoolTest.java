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

  private static void append(AlertSpool spool, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      spool.append(new SpooledAlert("id-" + i, Alerts.redisConfigSet("10.0.0.1", "cmd " + i, Instant.now())));
    }
  }

  /** Reads everything from {@code from}, batch by batch, as a sink's delivery thread does. */
  private static List<AlertSpool.Entry> readAll(AlertSpool spool, AlertSpool.Position from, int batch) throws Exception {
    List<AlertSpool.Entry> out = new java.util.ArrayList<>();
    for (List<AlertSpool.Entry> b = spool.read(from, batch); !b.isEmpty(); b = spool.read(b.get(b.size() - 1).next(), batch)) {
      out.addAll(b);
    }
    return out;
  }

  private static List<String> idsAndPositions(List<AlertSpool.Entry> entries) {
    return entries.stream().map(e -> e.alert().id() + "@" + e.next()).collect(Collectors.toList());
  }

  @Test
  void theNewestAlertsComeFromMemoryExactlyAsTheFileHoldsThem() throws Exception {
    List<String> fromMemory;
    AlertSpool.Position start;
    try (AlertSpool spool = AlertSpool.open(dir, 1024, 1 << 20)) {
      start = spool.register("s");
      append(spool, 0, 40); // rolls several 1 KiB segments
      fromMemory = idsAndPositions(readAll(spool, start, 7));
      // a reader that keeps up: one alert at a time, each read from where the last ended
      AlertSpool.Position pos = readAll(spool, start, 100).get(39).next();
      append(spool, 40, 41);
      List<AlertSpool.Entry> next = spool.read(pos, 10);
      assertThat(next).extracting(e -> e.alert().id()).containsExactly("id-40");
      assertThat(spool.read(next.get(0).next(), 10)).isEmpty();
    }
    try (AlertSpool reopened = AlertSpool.open(dir, 1024, 1 << 20)) { // memory is empty after a restart: the file answers
      List<String> fromFile = idsAndPositions(readAll(reopened, start, 7));
      assertThat(fromMemory).hasSize(40);
      assertThat(fromFile.subList(0, 40)).isEqualTo(fromMemory);
      assertThat(fromFile).hasSize(41);
    }
  }

  @Test
  void aReaderFurtherBehindThanMemoryHoldsReadsTheFileAndMeetsTheTail() throws Exception {
    try (AlertSpool spool = AlertSpool.open(dir, 64 * 1024, 64 << 20)) {
      AlertSpool.Position start = spool.register("s");
      int n = AlertSpool.TAIL_ENTRIES + 300;
      append(spool, 0, n);

      List<AlertSpool.Entry> all = readAll(spool, start, 64);

      assertThat(all).extracting(e -> e.alert().id())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).mapToObj(i -> "id-" + i).collect(Collectors.toList()));
    }
  }

  @Test
  void alertsOfASegmentDroppedToStayWithinTheBoundAreNotServedFromMemory() throws Exception {
    List<String> seen;
    AlertSpool.Position start;
    long dropped;
    try (AlertSpool spool = AlertSpool.open(dir, 1024, 2048)) {
      start = spool.register("s"); // never acknowledges: the bound drops its oldest segments
      append(spool, 0, 30);
      dropped = spool.dropped();
      seen = idsAndPositions(readAll(spool, start, 100));
    }
    try (AlertSpool reopened = AlertSpool.open(dir, 1024, 2048)) {
      assertThat(dropped).isPositive();
      assertThat(seen).hasSize(30 - (int) dropped).isEqualTo(idsAndPositions(readAll(reopened, start, 100)));
    }
  }

  @Test
  void anAppendBetweenAReadAndTheWaitIsNotMissed() throws Exception {
    try (AlertSpool spool = AlertSpool.open(dir, 4096, 1 << 20)) {
      long seen = spool.appendCount();
      append(spool, 0, 1); // lands after the reader looked and before it waits
      // a lost wake-up would wait the whole ten minutes; the preemptive limit only turns that hang into a failure
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> spool.awaitAppend(seen, 600_000));
      assertThat(spool.appendCount()).isEqualTo(seen + 1);
    }
  }
}
