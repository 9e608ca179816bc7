package dev.moat.scan.engine;

/**
 * Spaces requests evenly at most {@code perSecond} a second across all threads (a permit every 1/rate seconds,
 * with no burst beyond one): a target sees a steady rate, not spikes. A rate of 0 never waits.
 */
final class RateLimiter {

  private final long intervalNanos;
  private long next;

  RateLimiter(int perSecond) {
    this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    this.next = System.nanoTime();
  }

  void acquire() throws InterruptedException {
    if (intervalNanos == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, next);
      next = slot + intervalNanos;
      wait = slot - now;
    }
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
