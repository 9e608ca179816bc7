package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.Severity;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Sensitive files and consoles left on the target: a fixed, small list of paths (version-control metadata,
 * environment files, backups and dumps, Java deployment descriptors, Spring Boot actuators, API docs, server
 * status pages), each confirmed by a content signature, never by the status code alone. Before the list it asks
 * for a few random paths: when the target answers 200 to anything (a soft 404), a path counts only when its
 * signature matches and the random paths' answers neither match that signature nor equal the path's answer.
 * At most {@link #MAX_REQUESTS} requests per target.
 */
public final class DirectoryEnumerationCheck implements Check {

  static final int MAX_REQUESTS = 40;

  /**
   * One path to ask for.
   *
   * @param path relative to the target's base path, without a leading slash
   * @param title what it is
   * @param severity how bad it is when exposed
   * @param signature what its content looks like (found anywhere in the body, decoded as ISO-8859-1 so binary
   *     magic numbers match)
   * @param secret whether the content holds secrets: the evidence then shows values masked
   */
  record SensitivePath(String path, String title, Severity severity, Pattern signature, boolean secret) {
    boolean matches(ScanResponse r) {
      return r != null && r.status() >= 200 && r.status() < 300 && signature.matcher(latin1(r)).find();
    }
  }

  static final List<SensitivePath> PATHS = List.of(
      new SensitivePath(".git/HEAD", "Git repository metadata (.git/HEAD)", Severity.HIGH,
          Pattern.compile("\\Aref: refs/|\\A[0-9a-f]{40}\\s*\\z"), false),
      new SensitivePath(".git/config", "Git repository configuration (.git/config)", Severity.HIGH,
          Pattern.compile("\\[core\\][\\s\\S]*repositoryformatversion"), false),
      new SensitivePath(".svn/entries", "Subversion working-copy metadata (.svn/entries)", Severity.HIGH,
          Pattern.compile("\\A\\d{1,2}\\s*\\n(?:\\z|\\n*dir\\n)|<wc-entries"), false),
      new SensitivePath(".env", "Environment file with configuration and secrets (.env)", Severity.HIGH,
          Pattern.compile("\\A(?!\\s*<)(?:[ \\t]*(?:#[^\\n]*)?\\r?\\n)*[ \\t]*(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_]*=[^\\n]*\\n"
              + "(?:[^\\n]*\\n)*?[ \\t]*(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_]*="), true),
      new SensitivePath(".htpasswd", "Password file (.htpasswd)", Severity.HIGH,
          Pattern.compile("(?m)\\A[^:\\s<]+:(?:\\$apr1\\$|\\$2[aby]\\$|\\{SHA\\}|\\$[156]\\$)"), true),
      new SensitivePath(".DS_Store", "macOS folder metadata listing file names (.DS_Store)", Severity.LOW,
          Pattern.compile("\\A\\x00\\x00\\x00\\x01Bud1"), false),
      new SensitivePath("backup.zip", "Backup archive (backup.zip)", Severity.HIGH, Pattern.compile("\\APK\\x03\\x04"), false),
      new SensitivePath("backup.tar.gz", "Backup archive (backup.tar.gz)", Severity.HIGH, Pattern.compile("\\A\\x1f\\x8b\\x08"), false),
      new SensitivePath("db.sql", "Database dump (db.sql)", Severity.HIGH, SQL_DUMP(), true),
      new SensitivePath("dump.sql", "Database dump (dump.sql)", Severity.HIGH, SQL_DUMP(), true),
      new SensitivePath("index.php.bak", "Source code backup (index.php.bak)", Severity.HIGH, Pattern.compile("<\\?php"), true),
      new SensitivePath("config.php.bak", "Configuration backup (config.php.bak)", Severity.HIGH, Pattern.compile("<\\?php"), true),
      new SensitivePath("WEB-INF/web.xml", "Java web application descriptor (WEB-INF/web.xml)", Severity.HIGH,
          Pattern.compile("<web-app[\\s>]"), false),
      new SensitivePath("actuator/env", "Spring Boot actuator environment (/actuator/env)", Severity.HIGH,
          Pattern.compile("\"propertySources\"\\s*:"), true),
      new SensitivePath("actuator", "Spring Boot actuator index (/actuator)", Severity.LOW,
          Pattern.compile("\"_links\"\\s*:[\\s\\S]*/actuator"), false),
      new SensitivePath("server-status", "Apache server status page (/server-status)", Severity.MEDIUM,
          Pattern.compile("Apache Server Status for|Server uptime:"), false),
      new SensitivePath("phpinfo.php", "PHP configuration page (phpinfo.php)", Severity.MEDIUM,
          Pattern.compile("<title>phpinfo\\(\\)</title>|PHP Version [0-9]"), false),
      new SensitivePath("manager/html", "Tomcat manager console (/manager/html)", Severity.HIGH,
          Pattern.compile("Tomcat Web Application Manager"), false),
      new SensitivePath("h2-console/", "H2 database console (/h2-console)", Severity.HIGH,
          Pattern.compile("H2 Console"), false),
      new SensitivePath("swagger-ui.html", "Swagger UI (/swagger-ui.html)", Severity.INFO,
          Pattern.compile("(?i)swagger-ui"), false),
      new SensitivePath("v3/api-docs", "OpenAPI document (/v3/api-docs)", Severity.LOW,
          Pattern.compile("\\A\\s*\\{[\\s\\S]*\"openapi\"\\s*:\\s*\"3\\."), false),
      new SensitivePath("v2/api-docs", "Swagger 2 document (/v2/api-docs)", Severity.LOW,
          Pattern.compile("\\A\\s*\\{[\\s\\S]*\"swagger\"\\s*:\\s*\"2\\."), false),
      new SensitivePath(".well-known/security.txt", "Security contact file (security.txt)", Severity.INFO,
          Pattern.compile("(?m)^Contact:\\s*\\S+"), false));

  /** How many random paths the soft-404 test asks for. */
  static final int SOFT_404_PROBES = 3;

  private static Pattern SQL_DUMP() {
    return Pattern.compile("(?i)-- (?:MySQL|MariaDB|PostgreSQL) (?:database )?dump|\\bCREATE TABLE\\b[\\s\\S]*\\bINSERT INTO\\b|\\bINSERT INTO\\b[^;]*\\bVALUES\\b");
  }

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.DIRECTORY_ENUMERATION;
  }

  @Override
  public void scanTarget(URI base, CheckContext ctx) throws IOException, InterruptedException {
    URI dir = directoryOf(base);
    List<ScanResponse> random = new ArrayList<>();
    String[] shapes = {"%s", ".%s", "%s.bak"};
    for (int i = 0; i < SOFT_404_PROBES; i++) {
      ScanResponse r = ProbeExchange.send(ctx, ScanRequest.get(dir.resolve(String.format(shapes[i % shapes.length], ctx.marker()))));
      if (r != null) {
        random.add(r);
      }
    }
    int budget = MAX_REQUESTS - SOFT_404_PROBES;
    for (SensitivePath sp : PATHS) {
      if (budget-- <= 0) {
        break;
      }
      ScanRequest request = ScanRequest.get(dir.resolve(sp.path()));
      ScanResponse response = ProbeExchange.send(ctx, request);
      if (!sp.matches(response) || softNotFound(sp, response, random)) {
        continue;
      }
      Endpoint where = Endpoint.get(request.uri());
      boolean soft = random.stream().anyMatch(r -> r.status() >= 200 && r.status() < 300);
      Finding f = Finding.of(type(), Confidence.CONFIRMED, where, null, sp.title(),
          new TestMethod("GET /" + sp.path(), "HTTP " + response.status() + " with the content signature /" + sp.signature().pattern() + "/"
              + (soft ? "; the target answers 200 to unknown paths, but their answers neither carry the signature nor equal this one" : "")),
          ctx.evidence(request, sp.secret() ? masked(response) : response));
      ctx.report(f.withSeverity(sp.severity()));
    }
  }

  /** The target's base as a directory: {@code http://h/app} and {@code http://h/app/} both give {@code http://h/app/}. */
  static URI directoryOf(URI base) {
    String s = base.toString().replaceFirst("[?#].*$", "");
    return URI.create(s.endsWith("/") ? s : s + "/");
  }

  /** True when the answer is what the target says to any path: a random path's answer carries the signature too, or is the same page. */
  static boolean softNotFound(SensitivePath sp, ScanResponse response, List<ScanResponse> random) {
    for (ScanResponse r : random) {
      if (sp.matches(r) || (r.status() == response.status() && sameShape(r, response))) {
        return true;
      }
    }
    return false;
  }

  /** Same body once the request paths are taken out (catch-all pages often echo the path). */
  static boolean sameShape(ScanResponse a, ScanResponse b) {
    return withoutPath(a).equals(withoutPath(b));
  }

  private static String withoutPath(ScanResponse r) {
    String text = latin1(r);
    String path = r.uri().getRawPath();
    if (path != null && path.length() > 1) {
      text = text.replace(path, "").replace(path.substring(path.lastIndexOf('/') + 1), "");
    }
    return text;
  }

  static String latin1(ScanResponse r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  /** The response with values masked: {@code KEY=****}, {@code "value": "****"}, {@code user:****}, SQL strings. */
  static ScanResponse masked(ScanResponse r) {
    String text = r.text()
        .replaceAll("(?m)^([ \\t]*(?:export[ \\t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \\t]*[=:][ \\t]*)\\S.*$", "$1****")
        .replaceAll("(\"value\"\\s*:\\s*)\"[^\"]*\"", "$1\"****\"")
        .replaceAll("'[^'\\n]*'", "'****'");
    return new ScanResponse(r.uri(), r.status(), r.headers(), text.getBytes(StandardCharsets.UTF_8), r.truncated(), r.elapsedMillis());
  }
}
