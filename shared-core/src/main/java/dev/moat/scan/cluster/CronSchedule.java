package dev.moat.scan.cluster;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A CronJob schedule as Kubernetes accepts it: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
 * JAN-DEC, day of week 0-7 or SUN-SAT), each {@code *}, a value, a range {@code a-b}, a step {@code * /n} or
 * {@code a-b/n}, or a comma list of these; {@code ?} in the two day fields; or one of the macros {@code @hourly},
 * {@code @daily}, {@code @midnight}, {@code @weekly}, {@code @monthly}, {@code @yearly}, {@code @annually}.
 */
public record CronSchedule(String expression) {

  private static final Set<String> MACROS = Set.of("@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually");
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private record Field(String name, int min, int max, List<String> names) {}

  private static final List<Field> FIELDS = List.of(new Field("minute", 0, 59, List.of()), new Field("hour", 0, 23, List.of()),
      new Field("day of month", 1, 31, List.of()), new Field("month", 1, 12, MONTHS), new Field("day of week", 0, 7, DAYS));

  /** Checks {@code text} ({@code --cron}); the error names the field and the range it must be in. */
  public static CronSchedule parse(String text) throws MoatException {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    String trimmed = text.trim();
    if (MACROS.contains(trimmed.toLowerCase(Locale.ROOT))) {
      return new CronSchedule(trimmed.toLowerCase(Locale.ROOT));
    }
    String[] parts = trimmed.split("\\s+");
    if (parts.length != 5) {
      throw invalid(text, "it has " + parts.length + " field" + (parts.length == 1 ? "" : "s") + ", a schedule has 5");
    }
    for (int i = 0; i < 5; i++) {
      check(text, FIELDS.get(i), parts[i], i == 2 || i == 4);
    }
    return new CronSchedule(String.join(" ", parts));
  }

  private static void check(String text, Field field, String value, boolean questionMark) throws MoatException {
    if (questionMark && value.equals("?")) {
      return;
    }
    for (String item : value.split(",", -1)) {
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        String step = item.substring(slash + 1);
        if (!step.matches("\\d{1,3}") || Integer.parseInt(step) < 1 || Integer.parseInt(step) > field.max()) {
          throw invalid(text, field.name() + " step '" + step + "' in '" + item + "' is not a number from 1 to " + field.max());
        }
      }
      if (range.equals("*")) {
        continue;
      }
      int dash = range.indexOf('-');
      int from = number(text, field, dash < 0 ? range : range.substring(0, dash), item);
      if (dash >= 0) {
        int to = number(text, field, range.substring(dash + 1), item);
        if (to < from) {
          throw invalid(text, field.name() + " range '" + range + "' runs backwards");
        }
      }
    }
  }

  private static int number(String text, Field field, String value, String item) throws MoatException {
    int named = field.names().indexOf(value.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return named + field.min();
    }
    if (value.matches("\\d{1,2}")) {
      int n = Integer.parseInt(value);
      if (n >= field.min() && n <= field.max()) {
        return n;
      }
    }
    throw invalid(text, field.name() + " '" + item + "' is not " + (value.isEmpty() ? "complete" : "in " + field.min() + "-" + field.max()
        + (field.names().isEmpty() ? "" : " or " + field.names().get(0) + "-" + field.names().get(field.names().size() - 1))));
  }

  private static MoatException invalid(String text, String why) {
    return new MoatException(Failure.INVALID_INPUT, "--cron '" + text + "' is not a cron schedule: " + why,
        "give five fields 'minute hour day-of-month month day-of-week', e.g. \"0 3 * * *\" for 03:00 every day, or @daily");
  }

  @Override
  public String toString() {
    return expression;
  }
}
