package dev.moat.scan.check;

import dev.moat.scan.OutOfBandHit;
import dev.moat.scan.OutOfBandListener;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits for the out-of-band hits of several tokens at once: one deadline for all of them, so a check that sent n
 * payloads waits at most one {@code outOfBandWait}, not n of them, and returns as soon as every token was hit.
 */
final class OutOfBandWait {

  private OutOfBandWait() {}

  /** The tokens that were hit, with their hits, in the order given. */
  static Map<String, List<OutOfBandHit>> hits(OutOfBandListener listener, Collection<String> tokens, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Map<String, List<OutOfBandHit>> hit = new LinkedHashMap<>();
    for (String token : tokens) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      List<OutOfBandHit> hits = listener.awaitHits(token, left);
      if (!hits.isEmpty()) {
        hit.put(token, hits);
      }
    }
    return hit;
  }

  /** One line about a hit, for a finding's detection text. */
  static String describe(OutOfBandHit hit) {
    return hit.method() + " " + hit.path() + " from " + hit.sourceAddress() + " at " + hit.time();
  }
}
