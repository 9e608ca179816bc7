package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Alerts for tests, and waiting with a generous timeout (never asserting speed). */
final class Alerts {

  private Alerts() {}

  static Alert redisConfigSet(String sourceIp, String excerpt, Instant time) {
    return new Alert(time, "payments-cache", "redis", "payments-cache", "prod", sourceIp, 51234, "redis", "redis.config_set", excerpt,
        AlertSeverity.HIGH, "T1190", Map.of("command", "CONFIG"), 1);
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting (60 s) for: " + what);
      }
      Thread.sleep(20);
    }
  }
}
