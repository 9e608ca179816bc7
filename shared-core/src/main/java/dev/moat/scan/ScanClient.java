package dev.moat.scan;

import java.io.IOException;

/**
 * Sends the scanner's requests: in scope only, under the rate limit and concurrency cap, with the user's
 * authentication and the cookie jar applied, and the response body read up to the byte cap.
 */
public interface ScanClient {

  /**
   * Sends one request and returns the answer without following redirects.
   *
   * @throws OutOfScopeException if the request's URI is outside {@link #scope()} (nothing is sent)
   * @throws IOException on a connection failure or timeout
   */
  ScanResponse send(ScanRequest request) throws IOException, InterruptedException;

  /**
   * Sends a request and follows redirects (at most 10) while they stay in scope; a redirect out of scope is
   * not followed and its 3xx response is returned.
   */
  ScanResponse sendFollowingRedirects(ScanRequest request) throws IOException, InterruptedException;

  /**
   * Like {@link #send}, but the cookie jar is neither read nor updated: for requests whose cookies must not leak
   * into the rest of the scan (login attempts, whose session cookie would silently authenticate every later check).
   */
  default ScanResponse sendWithoutCookieJar(ScanRequest request) throws IOException, InterruptedException {
    return send(request);
  }

  ScanScope scope();

  /** How many requests this client has sent so far. */
  long requestsSent();
}
