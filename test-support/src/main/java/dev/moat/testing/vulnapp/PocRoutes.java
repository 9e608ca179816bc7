package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.POC;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the built-in PoC templates look for, each exposed at the app's root (the ground truth's parameter is the
 * template id, as the PoC check reports it) and each with a look-alike the template must not match: under
 * {@code /poc-twin/} (a test runs the templates with that as the target) and, where {@link SensitivePathRoutes}
 * already has one, at the root. {@code /.git/config} and {@code /actuator/env} at the root are
 * {@link SensitivePathRoutes}' exposed files (one exposure, found by both checks); its 403 {@code /server-status}
 * and empty {@code /phpinfo.php} are the root look-alikes. {@code /poc-redirect/} holds in-scope redirects to the
 * root's Jenkins console, for the templates' {@code redirects}. Nothing here is linked or in the OpenAPI
 * document, so other checks only see what they ask for by name. Versions and names are made up; the Struts route
 * "evaluates" only the one expression shape the template sends, with a regular expression — nothing is run.
 */
public final class PocRoutes implements VulnerableRoutes {

  /** {@code addHeader('NAME','VALUE'+(A*B))}: what the simulated OGNL evaluation understands. */
  private static final Pattern OGNL_ADD_HEADER = Pattern.compile(
      "%\\{.*\\.addHeader\\('([A-Za-z0-9-]{1,40})','([A-Za-z0-9]{1,40})'\\+\\(([0-9]{1,6})\\*([0-9]{1,6})\\)\\)\\}");

  @Override
  public void register(AppRoutes routes) {
    vulnerable(routes, "/.git/config", "git-config-exposure");
    twin(routes, "/poc-twin/.git/config", "git-config-exposure", AppResponse.html("<!DOCTYPE html><html><head><title>How Git stores its settings"
        + "</title></head><body><p>A repository's settings live in .git/config:</p><pre>[core]\n\trepositoryformatversion = 0\n\tbare = false</pre>"
        + "</body></html>"));

    vulnerable(routes, "/actuator/env", "spring-actuator-env-exposure");
    twin(routes, "/poc-twin/actuator/env", "spring-actuator-env-exposure", AppResponse.of(401, "application/json",
        "{\"timestamp\":\"2026-12-06T20:00:00Z\",\"status\":401,\"error\":\"Unauthorized\",\"path\":\"/actuator/env\"}")
        .withHeader("WWW-Authenticate", "Basic realm=\"Realm\""));

    exposed(routes, "/script", "jenkins-script-console-unauth", AppResponse.html(jenkinsConsole()).withHeader("X-Jenkins", "2.440.3")
        .withHeader("X-Hudson", "1.395"));
    twin(routes, "/poc-twin/script", "jenkins-script-console-unauth", AppResponse.html("<!DOCTYPE html><html><head><title>Using the Jenkins "
        + "Script Console</title></head><body><h1>Script Console</h1><p>Our wiki page: open Manage Jenkins, then paste into the form field "
        + "name=\"script\" (<code>&lt;textarea name=\"script\"&gt;</code>).</p></body></html>"));
    routes.handle("GET", "/poc-redirect/script", req -> AppResponse.redirect("/script"));
    routes.handle("GET", "/poc-redirect/twice", req -> AppResponse.redirect("/poc-redirect/script"));
    routes.handle("GET", "/poc-redirect/away", req -> AppResponse.redirect("http://203.0.113.9/script"));

    exposed(routes, "/whm-server-status", "apache-server-status-exposure", AppResponse.html("<!DOCTYPE HTML><html><head><title>Apache Status"
        + "</title></head><body><h1>Apache Server Status for shop.example.test (via 10.0.0.5)</h1><dl><dt>Server Version: Apache/2.4.58 (Unix)"
        + "</dt><dt>Server uptime:  12 days 3 hours 4 minutes</dt><dt>1 requests currently being processed</dt></dl><table><tr><th>Client</th>"
        + "<th>Request</th></tr><tr><td>10.0.0.9</td><td>GET /account?session=fake-session-4 HTTP/1.1</td></tr></table></body></html>"));
    routes.safe(POC, "GET", "/server-status", "apache-server-status-exposure");
    twin(routes, "/poc-twin/server-status", "apache-server-status-exposure", AppResponse.html("<!DOCTYPE html><html><head><title>Service "
        + "status</title></head><body><h1>Shop status</h1><p>All systems operational. Uptime: 12 days. Served by Apache.</p></body></html>"));

    exposed(routes, "/info.php", "phpinfo-exposure", AppResponse.html("<!DOCTYPE html><html><head><title>phpinfo()</title></head><body>"
        + "<table><tr class=\"h\"><td><h1 class=\"p\">PHP Version 8.2.14</h1></td></tr></table><table><tr><td class=\"e\">System</td>"
        + "<td class=\"v\">Linux shop 6.1.0 x86_64</td></tr></table></body></html>"));
    routes.safe(POC, "GET", "/phpinfo.php", "phpinfo-exposure");
    twin(routes, "/poc-twin/info.php", "phpinfo-exposure", AppResponse.html("<!DOCTYPE html><html><head><title>Requirements</title></head>"
        + "<body><p>This shop needs PHP Version 8.1 or later.</p></body></html>"));

    exposed(routes, "/_cluster/health", "elasticsearch-unauth-cluster-health", AppResponse.json("{\"cluster_name\":\"shop-search\","
        + "\"status\":\"green\",\"timed_out\":false,\"number_of_nodes\":1,\"number_of_data_nodes\":1,\"active_primary_shards\":5,"
        + "\"active_shards\":5}"));
    twin(routes, "/poc-twin/_cluster/health", "elasticsearch-unauth-cluster-health", AppResponse.of(401, "application/json",
        "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"missing authentication credentials for REST request "
        + "[/_cluster/health]\"}],\"type\":\"security_exception\"},\"status\":401}").withHeader("WWW-Authenticate", "Basic realm=\"security\""));

    exposed(routes, "/version", "docker-api-unauth-version", AppResponse.json("{\"Platform\":{\"Name\":\"Docker Engine - Community\"},"
        + "\"Version\":\"26.1.4\",\"ApiVersion\":\"1.45\",\"MinAPIVersion\":\"1.24\",\"GitCommit\":\"de5c9cf\",\"GoVersion\":\"go1.21.11\","
        + "\"Os\":\"linux\",\"Arch\":\"amd64\"}").withHeader("Api-Version", "1.45").withHeader("Server", "Docker/26.1.4 (linux)"));
    twin(routes, "/poc-twin/version", "docker-api-unauth-version",
        AppResponse.json("{\"Version\":\"2.4.1\",\"ApiVersion\":\"v2\",\"GitCommit\":\"abc1234\"}"));

    routes.handle("GET", "/index.action", PocRoutes::vulnerableStruts);
    vulnerable(routes, "/index.action", "struts2-ognl-content-type");
    routes.handle("GET", "/poc-twin/index.action", req -> {
      String type = req.header("content-type") == null ? "" : req.header("content-type");
      return AppResponse.html("<html><body>Unsupported content type: " + type.replace("<", "&lt;") + "</body></html>")
          .withHeader("X-Requested-Content-Type", type);
    });
    routes.safe(POC, "GET", "/poc-twin/index.action", "struts2-ognl-content-type");
  }

  /** A route of this group that a template must match. */
  private static void exposed(AppRoutes routes, String path, String template, AppResponse response) {
    routes.handle("GET", path, req -> response);
    vulnerable(routes, path, template);
  }

  /** A look-alike that the template must not match. */
  private static void twin(AppRoutes routes, String path, String template, AppResponse response) {
    routes.handle("GET", path, req -> response);
    routes.safe(POC, "GET", path, template);
  }

  private static void vulnerable(AppRoutes routes, String path, String template) {
    routes.vulnerable(POC, "GET", path, template);
  }

  private static String jenkinsConsole() {
    return "<!DOCTYPE html><html><head><title>Script Console [Jenkins]</title></head><body><h1>Script Console</h1>"
        + "<p>Type in an arbitrary Groovy script and execute it on the server.</p>"
        + "<form action=\"script\" method=\"post\"><textarea name=\"script\" rows=\"10\"></textarea><button>Run</button></form></body></html>";
  }

  /** The vulnerable multipart parser: an expression of the one understood shape in Content-Type becomes a response header. */
  private static AppResponse vulnerableStruts(AppRequest req) {
    AppResponse page = AppResponse.html("<html><head><title>Showcase</title></head><body>Struts 2 showcase</body></html>");
    String type = req.header("content-type");
    Matcher m = type == null ? null : OGNL_ADD_HEADER.matcher(type);
    if (m == null || !m.find()) {
      return page;
    }
    long product = Long.parseLong(m.group(3)) * Long.parseLong(m.group(4));
    return new AppResponse(200, List.of(Map.entry("Content-Type", "text/html; charset=utf-8"), Map.entry(m.group(1), m.group(2) + product)),
        page.body());
  }
}
