package dev.moat.scan;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The scanner's own HTTP listener for out-of-band detection (SSRF, blind XXE): a payload carries a callback URL
 * with a unique token; a hit on that URL proves the target fetched it. The listener only records; it never
 * answers with anything but an empty 200/404 and never connects anywhere.
 */
public interface OutOfBandListener {

  /** A callback URL that carries {@code token} (letters and digits); its hits are recorded under it. */
  URI callbackUrl(String token);

  /** The hits recorded for {@code token}, waiting up to {@code wait} for the first one. */
  List<OutOfBandHit> awaitHits(String token, Duration wait) throws InterruptedException;
}
