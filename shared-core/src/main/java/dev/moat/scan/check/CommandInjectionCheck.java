package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * OS command injection proved by shell arithmetic: each payload appends, with one Unix separator ({@code ;},
 * {@code |}, {@code &&}, backticks, {@code $()}) or one Windows separator ({@code &}, {@code |}), a command that
 * prints the product of two random numbers ({@code echo $((a*b))}, {@code set /a a*b}). The product is in no
 * payload, so an app that merely reflects the input is never a finding; it must be in the answer and not in the
 * baseline. When no output comes back (a blind endpoint), <b>time-based</b>: the same separators carrying
 * {@code sleep D} (Unix) or {@code ping -n D+1 127.0.0.1} (Windows, the loopback only), measured against the
 * baseline with a zero-delay control and a confirming repeat ({@link TimeDelayProbe}). Payloads only print or
 * wait; nothing is written or removed.
 */
public final class CommandInjectionCheck implements Check {

  /** A payload shape; {@code %v} is the parameter's example value, {@code %a}, {@code %b} the factors. */
  record Variant(String name, String template) {
    String payload(String value, long a, long b) {
      return template.replace("%v", value).replace("%a", Long.toString(a)).replace("%b", Long.toString(b));
    }
  }

  static final List<Variant> VARIANTS = List.of(
      new Variant("Unix ; separator", "%v;echo $((%a*%b))"),
      new Variant("Unix && separator", "%v&&echo $((%a*%b))"),
      new Variant("Unix | pipe", "%v|echo $((%a*%b))"),
      new Variant("Unix $() substitution", "%v$(echo $((%a*%b)))"),
      new Variant("Unix backtick substitution", "%v`echo $((%a*%b))`"),
      new Variant("Windows & separator", "%v&set /a %a*%b"),
      new Variant("Windows | pipe", "%v|set /a %a*%b"));

  /** Time-based shapes: {@code %a} is the delay in seconds, {@code %b} the delay plus one (ping counts). */
  static final List<Variant> DELAYS = List.of(
      new Variant("Unix ; separator", "%v;sleep %a"),
      new Variant("Unix && separator", "%v&&sleep %a"),
      new Variant("Unix | pipe", "%v|sleep %a"),
      new Variant("Unix $() substitution", "%v$(sleep %a)"),
      new Variant("Unix backtick substitution", "%v`sleep %a`"),
      new Variant("Windows & separator", "%v&ping -n %b 127.0.0.1"),
      new Variant("Windows | pipe", "%v|ping -n %b 127.0.0.1"));

  private final Random random;

  public CommandInjectionCheck() {
    this(new SecureRandom());
  }

  CommandInjectionCheck(Random random) {
    this.random = random;
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.COMMAND_INJECTION;
  }

  @Override
  public boolean waits() {
    return true;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : ProbeExchange.valueParameters(endpoint)) {
      String baseline = ProbeExchange.baselineText(ctx, endpoint); // the engine's, sent once per endpoint
      if (!test(endpoint, p, baseline, ctx)) {
        timeBased(endpoint, p, ctx);
      }
    }
  }

  private void timeBased(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    String value = p.value() == null ? "" : p.value();
    for (Variant v : DELAYS) {
      TimeDelayProbe.Proof proof = TimeDelayProbe.test(endpoint, p, s -> v.payload(value, s, s + 1L), ctx);
      if (proof != null) {
        ctx.report(Finding.of(type(), Confidence.FIRM, endpoint, p, "OS command injection (time-based, " + v.name() + ")",
            new TestMethod(v.payload(value, proof.seconds(), proof.seconds() + 1L), proof.detection()), ctx.evidence(proof.request(), proof.response())));
        return;
      }
    }
  }

  private boolean test(Endpoint endpoint, Parameter p, String baselineText, CheckContext ctx) throws IOException, InterruptedException {
    String value = p.value() == null ? "" : p.value();
    for (Variant v : VARIANTS) {
      long a = 100000 + random.nextInt(900000);
      long b = 100000 + random.nextInt(900000);
      String product = Long.toString(a * b);
      String payload = v.payload(value, a, b);
      ScanRequest request = endpoint.inject(p, payload);
      ScanResponse response = ProbeExchange.send(ctx, request);
      if (response == null || baselineText.contains(product) || !response.text().contains(product)) {
        continue;
      }
      ctx.report(Finding.of(type(), Confidence.CONFIRMED, endpoint, p, "OS command injection (" + v.name() + ")",
          new TestMethod(payload, "the answer holds " + product + ", the product of " + a + "*" + b
              + " that the injected command prints; neither the payload nor the baseline contains it"),
          ctx.evidence(request, response)));
      return true;
    }
    return false;
  }
}
