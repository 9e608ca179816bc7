package dev.moat.testing.vulnapp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wait a simulated database function or shell command asks for ({@code SLEEP(3)}, {@code pg_sleep(3)},
 * {@code sleep 3}): the route thread really waits, at most {@link #MAX_SECONDS}, so time-based detection is tested
 * against real latency. Nothing else of the input is interpreted.
 */
final class SimulatedDelay {

  static final int MAX_SECONDS = 10;

  private SimulatedDelay() {}

  /** The seconds asked for by the first call of {@code function} ({@code SLEEP}, {@code PG_SLEEP}) in {@code text}, or -1. */
  static int function(String function, String text) {
    Matcher m = Pattern.compile("(?i)(?<![\\w.])" + Pattern.quote(function) + "\\(\\s*(\\d{1,3})\\s*\\)").matcher(text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Whether parentheses and single quotes are balanced: a spliced query that still parses. */
  static boolean balanced(String text) {
    int depth = 0;
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && --depth < 0) {
        return false;
      }
    }
    return depth == 0 && !quoted;
  }

  /** Waits {@code seconds} (capped); negative means no wait. */
  static void pause(long seconds) {
    if (seconds <= 0) {
      return;
    }
    try {
      Thread.sleep(Math.min(seconds, MAX_SECONDS) * 1000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits {@code millis} whatever the input: an endpoint that is slow on its own. */
  static void pauseMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
