package dev.moat.scan.zap;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach and drive an existing ZAP.
 *
 * @param url ZAP's API address ({@code http://127.0.0.1:8080}); only its host and port are used
 * @param apiKey ZAP's API key, or null when ZAP runs with the key disabled; never logged or reported
 * @param spiderTimeout how long the spider may run before it is stopped
 * @param scanTimeout how long the active scan may run before it is stopped (its alerts so far are kept)
 * @param pollInterval how often progress is polled
 */
public record ZapSettings(URI url, String apiKey, Duration spiderTimeout, Duration scanTimeout, Duration pollInterval) {

  public static ZapSettings of(URI url, String apiKey) {
    return new ZapSettings(url, apiKey, Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMillis(500));
  }
}
