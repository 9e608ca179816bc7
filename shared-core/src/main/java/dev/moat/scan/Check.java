package dev.moat.scan;

import java.io.IOException;
import java.net.URI;

/**
 * One vulnerability class's test: its payloads and its detection. Checks are stateless; the engine calls
 * {@link #scan} once per endpoint and {@link #scanTarget} once per target base URL, concurrently. Payloads are
 * non-destructive: markers, arithmetic, sleeps and reads, never writes, deletes or shutdowns.
 */
public interface Check {

  VulnerabilityClass type();

  /**
   * Whether the check's tests can wait on the target's clock — time-based delays, out-of-band hits — so one of its
   * tasks can take seconds whatever the request rate. The engine starts such tasks first, so they overlap the rest
   * of the scan instead of trailing it.
   */
  default boolean waits() {
    return false;
  }

  /** Tests one endpoint (usually each of its parameters). */
  default void scan(Endpoint endpoint, CheckContext context) throws IOException, InterruptedException {}

  /** Tests the target as a whole (sensitive paths, PoC templates). {@code base} is the target URL. */
  default void scanTarget(URI base, CheckContext context) throws IOException, InterruptedException {}
}
