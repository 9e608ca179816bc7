package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlertTimeTest {

  private static final DateTimeFormatter REFERENCE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void handWrittenTimesMatchTheJdkFormatterAndParseBack() {
    SplittableRandom random = new SplittableRandom(20261206);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 7_000_000_000L), i % 7 == 0 ? random.nextInt(10) : random.nextInt(1_000_000_000));
      String text = AlertTime.rfc3339Nanos(t);
      assertThat(text).isEqualTo(REFERENCE.format(t));
      assertThat(Instant.parse(text)).isEqualTo(t);
      assertThat(AlertTime.clock(new StringBuilder(), t).toString()).isEqualTo(text.substring(11, text.length() - 1));
    }
  }

  @Test
  void theSpoolLineKeepsEveryFieldThroughAParse() throws Exception {
    Instant when = Instant.parse("2026-12-06T22:51:07.000000042Z");
    SpooledAlert spooled = new SpooledAlert("4d2c1e7a-0000-4000-8000-000000000001", Alerts.redisConfigSet("10.0.0.9", "CONFIG SET \"dir\" \u00e9\n", when));

    String line = AlertJson.line(spooled);

    assertThat(line).contains("\"time\":\"2026-12-06T22:51:07.000000042Z\"").doesNotContain("\n");
    assertThat(AlertJson.parse(line)).isEqualTo(spooled);
  }
}
