package dev.moat.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cron and schedule checks reject what Kubernetes would, with one message naming the input. */
class CronScheduleTest {

  @Test
  void acceptsWhatTheCronJobControllerAccepts() throws Exception {
    for (String good : List.of("0 3 * * *", "*/15 * * * *", "0 0-6/2 1,15 * MON-FRI", "5 4 * JAN,jul 0", "59 23 31 12 7", "0 12 ? * ?",
        "30 2 1-31/3 1-12 *")) {
      assertThat(CronSchedule.parse(good).expression()).isEqualTo(good);
    }
    assertThat(CronSchedule.parse("  0   3 * * *  ").expression()).isEqualTo("0 3 * * *");
    assertThat(CronSchedule.parse("@Weekly").expression()).isEqualTo("@weekly");
  }

  @Test
  void rejectsBadSchedulesSayingWhichFieldIsWrong() {
    Map<String, String> bad = Map.of(
        "0 3 * *", "it has 4 fields, a schedule has 5",
        "0 3 * * * *", "it has 6 fields, a schedule has 5",
        "60 3 * * *", "minute '60' is not in 0-59",
        "0 24 * * *", "hour '24' is not in 0-23",
        "0 3 0 * *", "day of month '0' is not in 1-31",
        "0 3 * 13 *", "month '13' is not in 1-12 or JAN-DEC",
        "0 3 * * 8", "day of week '8' is not in 0-7 or SUN-SAT",
        "*/0 * * * *", "minute step '0' in '*/0' is not a number from 1 to 59",
        "0 6-2 * * *", "hour range '6-2' runs backwards",
        "@fortnightly", "it has 1 field, a schedule has 5");
    bad.forEach((cron, why) -> assertThatThrownBy(() -> CronSchedule.parse(cron)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
      assertThat(e.getMessage()).isEqualTo("--cron '" + cron + "' is not a cron schedule: " + why);
      assertThat(e.hint()).contains("\"0 3 * * *\"");
    }));
    assertThatThrownBy(() -> CronSchedule.parse("0 3 ? * *x")).hasMessageContaining("day of week '*x'");
    assertThatThrownBy(() -> CronSchedule.parse("")).hasMessage("--cron '' is not a cron schedule: it is empty");
  }

  @Test
  void theScheduleChecksEveryOptionByName() {
    assertBad(() -> ScanSchedule.checked("Nightly", "moat", null, null, "@daily", null, null, List.of(), null), "--name 'Nightly'");
    assertBad(() -> ScanSchedule.checked("a".repeat(53), "moat", null, null, "@daily", null, null, List.of(), null), "--name '");
    assertBad(() -> ScanSchedule.checked(null, "moat_ns", null, null, "@daily", null, null, List.of(), null), "--namespace 'moat_ns'");
    assertBad(() -> ScanSchedule.checked(null, "moat", "-shop", null, "@daily", null, null, List.of(), null), "--target-namespace '-shop'");
    assertBad(() -> ScanSchedule.checked(null, "moat", null, "tier", "@daily", null, null, List.of(), null), "--selector 'tier'");
    assertBad(() -> ScanSchedule.checked(null, "moat", null, null, "0 25 * * *", null, null, List.of(), null), "--cron '0 25 * * *'");
    assertBad(() -> ScanSchedule.checked(null, "moat", null, null, "@daily", "Mars/Olympus", null, List.of(), null), "--time-zone 'Mars/Olympus'");
    assertBad(() -> ScanSchedule.checked(null, "moat", null, null, "@daily", null, "moat image", List.of(), null), "--image 'moat image'");
    assertBad(() -> ScanSchedule.checked(null, "moat", null, null, "@daily", null, null, List.of(), "Reports!"), "--reports-claim 'Reports!'");
    assertBad(() -> ScanSchedule.checked(null, "moat", "shop", null, "@daily", null, null, List.of("--namespace=prod"), null),
        "scan argument '--namespace=prod' is set by the schedule itself");
  }

  private static void assertBad(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String start) {
    assertThatThrownBy(call).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
      assertThat(e.getMessage()).startsWith(start);
      assertThat(e.hint()).isNotBlank();
    });
  }
}
