package dev.moat.scan.check;

import dev.moat.scan.CheckContext;
import dev.moat.scan.Endpoint;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.io.IOException;
import java.util.List;

/**
 * Sends one probe for a check that tries many: a probe the target answers with a broken response, a reset or a
 * timeout (or one the HTTP client refuses to build, such as a header value it will not write) is skipped, not
 * fatal to the rest of the check. Out-of-scope requests still throw: that is a bug in the check, not the target.
 */
final class ProbeExchange {

  private ProbeExchange() {}

  /** The endpoint's shared baseline as text (sent once per scan by the engine), or "" when it could not be had. */
  static String baselineText(CheckContext context, Endpoint endpoint) throws InterruptedException {
    try {
      ScanResponse baseline = context.baseline(endpoint);
      return baseline == null ? "" : baseline.text();
    } catch (IOException | IllegalArgumentException e) {
      return "";
    }
  }

  /** The response, or null when this probe could not be exchanged. */
  static ScanResponse send(CheckContext context, ScanRequest request) throws IOException, InterruptedException {
    return exchange(context, request, true);
  }

  /** As {@link #send}, outside the cookie jar (a login attempt's session must not authenticate the rest of the scan). */
  static ScanResponse sendWithoutCookieJar(CheckContext context, ScanRequest request) throws IOException, InterruptedException {
    return exchange(context, request, false);
  }

  /** The parameters a value probe can carry: not file parts, not cookies. */
  static List<Parameter> valueParameters(Endpoint endpoint) {
    return endpoint.parameters().stream().filter(p -> !p.isFile() && p.location() != ParameterLocation.COOKIE).toList();
  }

  private static ScanResponse exchange(CheckContext context, ScanRequest request, boolean jar) throws IOException, InterruptedException {
    try {
      return jar ? context.client().send(request) : context.client().sendWithoutCookieJar(request);
    } catch (OutOfScopeException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
