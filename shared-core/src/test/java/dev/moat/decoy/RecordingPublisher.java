package dev.moat.decoy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Keeps every alert in memory, so a test can read what a decoy raised. */
final class RecordingPublisher implements AlertPublisher {

  private final List<Alert> alerts = new ArrayList<>();

  @Override
  public synchronized void publish(Alert alert) {
    alerts.add(alert);
    notifyAll();
  }

  synchronized List<Alert> alerts() {
    return List.copyOf(alerts);
  }

  /** Waits (up to a generous bound, not a timing assertion) for an alert that matches. */
  synchronized Alert await(Predicate<Alert> wanted) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      for (Alert a : alerts) {
        if (wanted.test(a)) {
          return a;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no such alert among " + alerts);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
