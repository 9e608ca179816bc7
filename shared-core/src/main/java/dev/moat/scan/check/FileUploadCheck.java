package dev.moat.scan.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.Severity;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unrestricted file upload on multipart file parts. Each probe uploads a small file under a fresh marker name:
 * server-side scripts ({@code .php}, {@code .phtml}, {@code .jsp}, and {@code .php} again as {@code image/png}, as
 * {@code image/gif} behind a GIF header, in mixed case and with a trailing dot — the usual filter bypasses) whose
 * only statement prints the product of two random numbers, then HTML and SVG holding an inert script marker. The
 * stored file's address is read from the answer (Location header, a JSON string or a link naming the marker) and,
 * when it is in scope, fetched back: the product in the fetched file means the server ran the upload (confirmed,
 * critical); the marker script served as HTML or SVG, not as an attachment, means stored script content (firm). An
 * accepted script whose address the answer does not give, but whose name it echoes unchanged, is tentative.
 * The files only print or hold a comment; they are never removed (the API offers no way), so their names start
 * with the scan's marker.
 */
public final class FileUploadCheck implements Check {

  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind { RUN_PHP, RUN_JSP, RENDER }

  /** One upload: the file's extension, the part's Content-Type, an optional prefix (magic bytes), and what would prove it. */
  record Probe(String name, String extension, String contentType, String prefix, Kind kind) {

    String content(String marker, long a, long b) {
      return prefix + switch (kind) {
        case RUN_PHP -> "<?php echo " + a + "*" + b + "; ?>\n" + marker + "\n";
        case RUN_JSP -> "<%= " + a + "*" + b + " %>\n" + marker + "\n";
        case RENDER -> extension.equals("svg")
            ? "<svg xmlns=\"http://www.w3.org/2000/svg\">" + script(marker) + "</svg>\n"
            : "<html><body>" + script(marker) + "</body></html>\n";
      };
    }

    static String script(String marker) {
      return "<script>/*" + marker + "*/</script>";
    }
  }

  static final List<Probe> PROBES = List.of(
      new Probe("a PHP script", "php", "application/x-php", "", Kind.RUN_PHP),
      new Probe("a PHP script sent as image/png (Content-Type bypass)", "php", "image/png", "", Kind.RUN_PHP),
      new Probe("a PHP script behind a GIF header sent as image/gif (magic-byte bypass)", "php", "image/gif", "GIF89a;\n", Kind.RUN_PHP),
      new Probe("a PHP script under the alternative extension .phtml", "phtml", "application/octet-stream", "", Kind.RUN_PHP),
      new Probe("a PHP script under the mixed-case extension .pHp", "pHp", "application/octet-stream", "", Kind.RUN_PHP),
      new Probe("a PHP script with a trailing dot (.php.)", "php.", "application/octet-stream", "", Kind.RUN_PHP),
      new Probe("a JSP page", "jsp", "application/octet-stream", "", Kind.RUN_JSP),
      new Probe("an HTML page with a script", "html", "text/html", "", Kind.RENDER),
      new Probe("an SVG image with a script", "svg", "image/svg+xml", "", Kind.RENDER));

  private final Random random;

  public FileUploadCheck() {
    this(new SecureRandom());
  }

  FileUploadCheck(Random random) {
    this.random = random;
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.FILE_UPLOAD;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : endpoint.parameters(ParameterLocation.MULTIPART_BODY)) {
      if (p.isFile()) {
        test(endpoint, p, ctx);
      }
    }
  }

  private void test(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    Finding tentative = null;
    for (Probe probe : PROBES) {
      String marker = ctx.marker();
      long a = 10000 + random.nextInt(90000);
      long b = 10000 + random.nextInt(90000);
      String filename = marker + "." + probe.extension();
      ScanRequest upload = endpoint.injectFile(p, filename, probe.contentType(), probe.content(marker, a, b));
      ScanResponse answer = ProbeExchange.send(ctx, upload);
      if (answer == null || answer.status() < 200 || answer.status() >= 300) {
        continue;
      }
      Set<URI> places = storedAt(answer, marker, upload.uri(), ctx);
      for (URI place : places) {
        ScanResponse fetched = ProbeExchange.send(ctx, ScanRequest.get(place));
        String proof = fetched == null || fetched.status() != 200 ? null : proof(probe, fetched, marker, a * b);
        if (proof != null) {
          Finding f = Finding.of(type(), probe.kind() == Kind.RENDER ? Confidence.FIRM : Confidence.CONFIRMED, endpoint, p,
              probe.kind() == Kind.RENDER ? "File upload stores script content served as " + fetched.mediaType() : "File upload runs uploaded server-side code",
              new TestMethod("uploaded " + filename + " (" + probe.name() + ", part Content-Type " + probe.contentType() + ")",
                  "fetched back from " + place + ": " + proof),
              ctx.evidence(upload, fetched));
          ctx.report(probe.kind() == Kind.RENDER ? f : f.withSeverity(Severity.CRITICAL));
          return;
        }
      }
      if (places.isEmpty() && tentative == null && probe.kind() != Kind.RENDER && answer.text().contains(filename)) {
        tentative = Finding.of(type(), Confidence.TENTATIVE, endpoint, p, "File upload accepts a server-side script under its own name",
            new TestMethod("uploaded " + filename + " (" + probe.name() + ")",
                "the upload was accepted (HTTP " + answer.status() + ") and the answer names the file unchanged, but not where it is served, so it was not fetched back"),
            ctx.evidence(upload, answer)).withSeverity(Severity.MEDIUM);
      }
    }
    if (tentative != null) {
      ctx.report(tentative);
    }
  }

  /** Why the fetched file proves the upload dangerous, or null. */
  private static String proof(Probe probe, ScanResponse fetched, String marker, long product) {
    String text = fetched.text();
    if (probe.kind() != Kind.RENDER) {
      return text.contains(Long.toString(product)) && text.contains(marker)
          ? "it holds " + product + ", the product the uploaded script prints, so the server ran it" : null;
    }
    String media = fetched.mediaType();
    String disposition = fetched.header("Content-Disposition");
    boolean rendered = (media.equals("text/html") || media.equals("image/svg+xml") || media.equals("application/xhtml+xml"))
        && (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("attachment"));
    return rendered && text.contains(Probe.script(marker))
        ? "it is served as " + media + ", inline, with the uploaded script intact, so it runs in the browser of whoever opens it" : null;
  }

  /** Where the answer says the file went: the Location header, JSON strings and links naming the marker; in scope only. */
  private static Set<URI> storedAt(ScanResponse answer, String marker, URI uploadUri, CheckContext ctx) {
    List<String> candidates = new ArrayList<>();
    String location = answer.header("Location");
    if (location != null) {
      candidates.add(location);
    }
    String text = answer.text();
    if (answer.mediaType().contains("json")) {
      try {
        collectStrings(JSON.readTree(text), marker, candidates);
      } catch (IOException e) {
        // not JSON after all: the link search below still runs
      }
    }
    Matcher m = Pattern.compile("[\\w./:%~-]*" + Pattern.quote(marker) + "[\\w.%~-]*").matcher(text);
    while (m.find() && candidates.size() < 8) {
      String token = m.group();
      if (token.contains("/")) {
        candidates.add(token);
      }
    }
    Set<URI> places = new LinkedHashSet<>();
    for (String c : candidates) {
      try {
        URI resolved = uploadUri.resolve(c.trim());
        if (ctx.client().scope().allows(resolved)) {
          places.add(resolved);
        }
      } catch (IllegalArgumentException e) {
        // not a URI reference: ignored
      }
    }
    return places;
  }

  private static void collectStrings(JsonNode node, String marker, List<String> out) {
    if (node.isTextual()) {
      String v = node.asText();
      if (v.contains("/") && (v.contains(marker) || v.startsWith("/") || v.startsWith("http"))) {
        out.add(v);
      }
    } else {
      node.forEach(child -> collectStrings(child, marker, out));
    }
  }
}
