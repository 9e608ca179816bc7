package dev.moat.scan.check;

import dev.moat.scan.CheckContext;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.io.IOException;
import java.util.function.IntFunction;

/**
 * Time-based blind detection shared by the SQL and command injection checks: a payload that asks the target to
 * wait {@code D} seconds ({@code SLEEP(D)}, {@code sleep D}) must make the answer at least 0.9·D slower than the
 * endpoint's measured baseline; the same payload asking for 0 seconds (the control) must not; and the delayed
 * payload must be slow again on a confirming repeat. The baseline is the slower of the engine's baseline and the
 * control, so an endpoint that is slow for every unusual input, or slow all the time, is not a finding. A
 * non-vulnerable parameter costs one request per payload shape; a vulnerable one costs about 2·D.
 */
final class TimeDelayProbe {

  /** What proved the delay: the delayed request and its answer, the control's time and the two delayed times. */
  record Proof(ScanRequest request, ScanResponse response, long baselineMillis, long controlMillis, long firstMillis, long repeatMillis, int seconds) {

    String detection() {
      return "asking for a " + seconds + " s delay made the answer " + firstMillis + " ms and, repeated, " + repeatMillis
          + " ms; the same payload asking for 0 s took " + controlMillis + " ms and the baseline " + baselineMillis + " ms";
    }
  }

  private TimeDelayProbe() {}

  /** The delay time-based payloads ask for, in whole seconds (at least 1). */
  static int seconds(CheckContext ctx) {
    return (int) Math.max(1, (ctx.settings().timeDelay().toMillis() + 999) / 1000);
  }

  /**
   * Tests one payload shape on one parameter. {@code payload} maps a delay in seconds to the injected value.
   * Returns the proof, or null when the shape did not delay the answer as asked.
   */
  static Proof test(Endpoint endpoint, Parameter p, IntFunction<String> payload, CheckContext ctx) throws IOException, InterruptedException {
    int seconds = seconds(ctx);
    long threshold = seconds * 900L;
    ScanResponse baseline = ctx.baseline(endpoint);
    long baselineMillis = baseline == null ? 0 : baseline.elapsedMillis();
    ScanRequest delayed = endpoint.inject(p, payload.apply(seconds));
    ScanResponse first = ProbeExchange.send(ctx, delayed);
    if (first == null || first.elapsedMillis() - baselineMillis < threshold) {
      return null;
    }
    ScanResponse control = ProbeExchange.send(ctx, endpoint.inject(p, payload.apply(0)));
    if (control == null) {
      return null;
    }
    long reference = Math.max(baselineMillis, control.elapsedMillis());
    if (first.elapsedMillis() - reference < threshold) {
      return null;
    }
    ScanResponse repeat = ProbeExchange.send(ctx, delayed);
    if (repeat == null || repeat.elapsedMillis() - reference < threshold) {
      return null;
    }
    return new Proof(delayed, repeat, baselineMillis, control.elapsedMillis(), first.elapsedMillis(), repeat.elapsedMillis(), seconds);
  }
}
