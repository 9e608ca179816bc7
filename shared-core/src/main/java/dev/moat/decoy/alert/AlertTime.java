package dev.moat.decoy.alert;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Alert times as text, UTC, always with nanoseconds: written by hand because a {@code DateTimeFormatter} per alert
 * was a visible share of the decoy runtime's CPU (every alert is formatted for the spool and again for each sink).
 */
final class AlertTime {

  private AlertTime() {}

  /** {@code yyyy-MM-ddTHH:mm:ss.nnnnnnnnnZ} (RFC 3339, what Falco's {@code time} field holds; {@link Instant#parse} reads it). */
  static String rfc3339Nanos(Instant time) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(30);
    pad(b, utc.getYear(), 4).append('-');
    pad(b, utc.getMonthValue(), 2).append('-');
    pad(b, utc.getDayOfMonth(), 2).append('T');
    return clock(b, utc).append('Z').toString();
  }

  /** Appends {@code HH:mm:ss.nnnnnnnnn}, as Falco's output line starts. */
  static StringBuilder clock(StringBuilder b, Instant time) {
    return clock(b, LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC));
  }

  private static StringBuilder clock(StringBuilder b, LocalDateTime utc) {
    pad(b, utc.getHour(), 2).append(':');
    pad(b, utc.getMinute(), 2).append(':');
    pad(b, utc.getSecond(), 2).append('.');
    return pad(b, utc.getNano(), 9);
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }
}
