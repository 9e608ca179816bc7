package dev.moat.scan;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings checks read.
 *
 * @param timeDelay the delay time-based payloads ask for (sleep, WAITFOR, pg_sleep); detection needs the
 *     response to be this much slower than the measured baseline, twice
 * @param maxLoginAttempts the hard cap on login attempts per login endpoint (weak-password check)
 * @param redirectMarkerHost the external host open-redirect payloads point at; never contacted
 * @param templates a directory of extra PoC templates, or null for the built-in ones only
 * @param outOfBandWait how long to wait for an out-of-band hit after a payload was sent
 */
public record ScanSettings(Duration timeDelay, int maxLoginAttempts, String redirectMarkerHost, Path templates, Duration outOfBandWait) {

  public static ScanSettings defaults() {
    return new ScanSettings(Duration.ofSeconds(3), 20, "moat-redirect.example", null, Duration.ofSeconds(2));
  }

  public ScanSettings withTemplates(Path dir) {
    return new ScanSettings(timeDelay, maxLoginAttempts, redirectMarkerHost, dir, outOfBandWait);
  }

  public ScanSettings withTimeDelay(Duration delay) {
    return new ScanSettings(delay, maxLoginAttempts, redirectMarkerHost, templates, outOfBandWait);
  }
}
