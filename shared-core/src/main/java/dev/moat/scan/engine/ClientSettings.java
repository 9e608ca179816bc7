package dev.moat.scan.engine;

import java.time.Duration;

/**
 * How the scanner's HTTP client behaves.
 *
 * @param concurrency requests in flight at most
 * @param rps requests per second at most; 0: no limit
 * @param timeout the whole exchange's deadline: headers and body (a body still dripping at the deadline is cut)
 * @param maxResponseBytes body bytes read at most; the rest is never read
 * @param http2 offer HTTP/2 (negotiated by ALPN over TLS; plain http always uses HTTP/1.1, no h2c upgrade)
 * @param authentication credentials sent on every request
 */
public record ClientSettings(int concurrency, int rps, Duration timeout, int maxResponseBytes, boolean http2, Authentication authentication) {

  public static ClientSettings defaults() {
    return new ClientSettings(16, 0, Duration.ofSeconds(10), 1024 * 1024, true, Authentication.none());
  }

  public ClientSettings withAuthentication(Authentication auth) {
    return new ClientSettings(concurrency, rps, timeout, maxResponseBytes, http2, auth);
  }

  public ClientSettings withTimeout(Duration t) {
    return new ClientSettings(concurrency, rps, t, maxResponseBytes, http2, authentication);
  }

  public ClientSettings withMaxResponseBytes(int bytes) {
    return new ClientSettings(concurrency, rps, timeout, bytes, http2, authentication);
  }

  public ClientSettings withRps(int perSecond) {
    return new ClientSettings(concurrency, perSecond, timeout, maxResponseBytes, http2, authentication);
  }

  public ClientSettings withConcurrency(int n) {
    return new ClientSettings(n, rps, timeout, maxResponseBytes, http2, authentication);
  }
}
