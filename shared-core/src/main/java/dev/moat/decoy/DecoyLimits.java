package dev.moat.decoy;

import java.time.Duration;

/**
 * What one decoy process allows its clients: a cap on concurrent connections across every decoy (beyond it new
 * connections are closed at once), an idle timeout (slow clients and slowloris are cut), and a cap on the bytes
 * one connection may send (beyond it the connection is closed).
 */
public record DecoyLimits(int maxConnections, Duration idleTimeout, long maxBytesPerConnection) {

  public static DecoyLimits defaults() {
    return new DecoyLimits(10_000, Duration.ofSeconds(60), 1L << 20);
  }
}
