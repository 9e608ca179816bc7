package dev.moat.decoy;

import java.time.Duration;

/**
 * What one decoy process lets its clients cost.
 *
 * @param maxConnections open connections over all decoys; beyond it a new connection is closed at once
 * @param idleTimeout a connection that sends nothing for this long is closed
 * @param requestTimeout an HTTP request (line, headers and body) must arrive in full within this time of the
 *     connection opening or the previous answer; trickled headers (slowloris) are cut by it
 * @param maxBytesPerConnection bytes read from one connection before it is closed
 * @param maxInitialLine longest HTTP request line
 * @param maxHeaderSize largest HTTP header block
 * @param maxBody HTTP body bytes handed to an emulator; the rest is dropped and the connection closed after the answer
 */
public record DecoyLimits(
    int maxConnections, Duration idleTimeout, Duration requestTimeout, long maxBytesPerConnection, int maxInitialLine,
    int maxHeaderSize, int maxBody) {

  public DecoyLimits {
    if (maxConnections < 1 || maxBytesPerConnection < 1 || maxInitialLine < 64 || maxHeaderSize < 64 || maxBody < 0) {
      throw new IllegalArgumentException("decoy limits out of range");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("decoy timeouts must be positive");
    }
  }

  public static DecoyLimits defaults() {
    return new DecoyLimits(10_000, Duration.ofSeconds(60), Duration.ofSeconds(30), 8L * 1024 * 1024, 8 * 1024, 16 * 1024, 1024 * 1024);
  }

  public DecoyLimits withMaxConnections(int n) {
    return new DecoyLimits(n, idleTimeout, requestTimeout, maxBytesPerConnection, maxInitialLine, maxHeaderSize, maxBody);
  }

  public DecoyLimits withTimeouts(Duration idle, Duration request) {
    return new DecoyLimits(maxConnections, idle, request, maxBytesPerConnection, maxInitialLine, maxHeaderSize, maxBody);
  }

  public DecoyLimits withMaxBody(int bytes) {
    return new DecoyLimits(maxConnections, idleTimeout, requestTimeout, maxBytesPerConnection, maxInitialLine, maxHeaderSize, bytes);
  }
}
