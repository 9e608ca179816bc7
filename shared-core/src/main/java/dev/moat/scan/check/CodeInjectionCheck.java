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
 * Template and expression injection proved by a computed marker: each payload asks the target to multiply two
 * random numbers ({@code {{a*b}}}, {@code ${a*b}}, {@code #{a*b}}, {@code <%= a*b %>}, a bare {@code a*b} for
 * eval-style sinks). A finding needs the product — which is in no payload — to appear in the answer between the
 * two markers sent around the expression (for the bare eval payload, the product without the payload), and to be
 * absent from the baseline. Plain reflection of the payload
 * is never a finding. Payloads are arithmetic only.
 */
public final class CodeInjectionCheck implements Check {

  /** A payload shape; {@code %e} is the expression {@code a*b}. */
  record Variant(String name, String template, boolean framed) {
    String payload(String expression) {
      return template.replace("%e", expression);
    }
  }

  static final List<Variant> VARIANTS = List.of(
      new Variant("{{ }} template (Jinja2, Twig, Handlebars-like)", "{{%e}}", true),
      new Variant("${ } expression (EL, Freemarker, JS template literal)", "${%e}", true),
      new Variant("#{ } expression (Ruby, Thymeleaf, SpEL)", "#{%e}", true),
      new Variant("<%= %> template (ERB, EJS, JSP)", "<%= %e %>", true),
      new Variant("eval of an expression (JS, Python)", "%e", false));

  private final Random random;

  public CodeInjectionCheck() {
    this(new SecureRandom());
  }

  CodeInjectionCheck(Random random) {
    this.random = random;
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.CODE_INJECTION;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : ProbeExchange.valueParameters(endpoint)) {
      String baseline = ProbeExchange.baselineText(ctx, endpoint); // the engine's, sent once per endpoint
      test(endpoint, p, baseline, ctx);
    }
  }

  private void test(Endpoint endpoint, Parameter p, String baselineText, CheckContext ctx) throws IOException, InterruptedException {
    for (Variant v : VARIANTS) {
      long a = 1000 + random.nextInt(9000);
      long b = 1000 + random.nextInt(9000);
      String product = Long.toString(a * b);
      String before = v.framed() ? ctx.marker() : "";
      String after = v.framed() ? ctx.marker() : "";
      String payload = before + v.payload(a + "*" + b) + after;
      ScanRequest request = endpoint.inject(p, payload);
      ScanResponse response = ProbeExchange.send(ctx, request);
      if (response == null || baselineText.contains(product)) {
        continue;
      }
      String text = response.text();
      boolean evaluated = v.framed() ? text.contains(before + product + after) : text.contains(product) && !text.contains(payload);
      if (evaluated) {
        ctx.report(Finding.of(type(), Confidence.CONFIRMED, endpoint, p, "Code injection: " + v.name() + " is evaluated",
            new TestMethod(payload, "the answer holds " + before + product + after + ": the expression " + a + "*" + b
                + " was evaluated to " + product + ", which the payload does not contain and the baseline did not show"),
            ctx.evidence(request, response)));
        return;
      }
    }
  }
}
