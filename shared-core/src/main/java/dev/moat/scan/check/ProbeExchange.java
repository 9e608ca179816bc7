package dev.moat.scan.check;

import dev.moat.scan.CheckContext;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.io.IOException;

/**
 * Sends one probe for a check that tries many: a probe the target answers with a broken response, a reset or a
 * timeout (or one the HTTP client refuses to build, such as a header value it will not write) is skipped, not
 * fatal to the rest of the check. Out-of-scope requests still throw: that is a bug in the check, not the target.
 */
final class ProbeExchange {

  private ProbeExchange() {}

  /** The endpoint's shared baseline as text (sent once per scan by the engine), or "" when it could not be had. */
  static String baselineText(CheckContext context, dev.moat.scan.Endpoint endpoint) throws InterruptedException {
    try {
      ScanResponse baseline = context.baseline(endpoint);
      return baseline == null ? "" : baseline.text();
    } catch (IOException | IllegalArgumentException e) {
      return "";
    }
  }

  /** The response, or null when this probe could not be exchanged. */
  static ScanResponse send(CheckContext context, ScanRequest request) throws IOException, InterruptedException {
    try {
      return context.client().send(request);
    } catch (OutOfScopeException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
