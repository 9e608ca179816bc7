package dev.moat.decoy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jenkins 2.4xx controller with an open script console. A script sent to {@code /script} or {@code /scriptText}
 * raises {@code http.script_console} and is answered with canned output: for the {@code "id".execute().text} family a
 * canned {@code uid=…(jenkins)} line, otherwise nothing. Groovy is never evaluated.
 */
public final class JenkinsScriptConsoleDecoy implements HttpEmulator {

  static final String VERSION = "2.426.3";
  private static final Pattern EXECUTE = Pattern.compile("[\"']([^\"']{1,200})[\"']\\s*\\.\\s*execute\\s*\\(");
  private final FakeFilesystem fs;

  public JenkinsScriptConsoleDecoy(FakeFilesystem fs) {
    this.fs = fs;
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("jenkins", "code execution", "Jenkins " + VERSION + " with an open Groovy script console", 8080,
        List.of("http.script_console (CRITICAL, T1059): a script sent to POST /script or /scriptText"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Server", "Jetty(10.0.18)");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Jenkins", VERSION);
    headers.put("X-Jenkins-Session", "4d2a1f9c");
    headers.put("X-Hudson", "1.395");
    return headers;
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path().endsWith("/") && request.path().length() > 1
        ? request.path().substring(0, request.path().length() - 1) : request.path();
    switch (path) {
      case "/":
      case "/login":
        return HttpReply.html(200, page("Dashboard [Jenkins]", "<div id=\"main-panel\"><h1>Welcome to Jenkins!</h1>"
            + "<p>This page is where your Jenkins jobs will be displayed.</p></div>"));
      case "/script":
      case "/scriptText":
      case "/manage/script":
        return script(request, interaction, path.endsWith("scriptText"));
      case "/api/json":
        return HttpReply.json(200, "{\"_class\":\"hudson.model.Hudson\",\"assignedLabels\":[{\"name\":\"built-in\"}],\"mode\":\"NORMAL\","
            + "\"nodeDescription\":\"the Jenkins controller's built-in node\",\"nodeName\":\"\",\"numExecutors\":2,\"jobs\":["
            + "{\"_class\":\"org.jenkinsci.plugins.workflow.job.WorkflowJob\",\"name\":\"payments-deploy\",\"url\":\"http://jenkins.internal:8080/job/payments-deploy/\",\"color\":\"blue\"},"
            + "{\"_class\":\"hudson.model.FreeStyleProject\",\"name\":\"nightly-backup\",\"url\":\"http://jenkins.internal:8080/job/nightly-backup/\",\"color\":\"blue\"}],"
            + "\"quietingDown\":false,\"useSecurity\":false,\"url\":\"http://jenkins.internal:8080/\"}");
      case "/whoAmI":
      case "/whoAmI/api/json":
        return HttpReply.json(200, "{\"_class\":\"hudson.security.WhoAmI\",\"anonymous\":true,\"authenticated\":true,"
            + "\"authorities\":[\"anonymous\"],\"name\":\"anonymous\"}");
      default:
        return HttpReply.html(404, page("Jenkins", "<h2>Not Found</h2>"));
    }
  }

  private HttpReply script(HttpRequestView request, Interaction interaction, boolean text) {
    String script = request.method().equals("POST") ? Decoding.form(request.body()).get("script") : request.queryParameter("script");
    if (script == null) {
      return HttpReply.html(200, page("Script Console [Jenkins]", form("")));
    }
    interaction.alert("http.script_console", AlertSeverity.CRITICAL, "T1059", Excerpts.printable(script, 256),
        Map.of("script", Excerpts.printable(script, 512)));
    String output = cannedOutput(script);
    if (text) {
      return HttpReply.text(200, output);
    }
    return HttpReply.html(200, page("Script Console [Jenkins]", form(script) + "<h2>Result</h2><pre>"
        + FileDownloadDecoy.htmlEscape(output) + "</pre>"));
  }

  /** Canned output for {@code "cmd".execute().text} payloads, answered by a {@link CannedShell}; otherwise empty. */
  String cannedOutput(String script) {
    Matcher execute = EXECUTE.matcher(script);
    if (!execute.find()) {
      return "";
    }
    return new CannedShell(fs, "jenkins", "/var/lib/jenkins", "sh: 1").answer(execute.group(1));
  }

  private static String form(String script) {
    return "<h1>Script Console</h1><p>Type in an arbitrary Groovy script and execute it on the server.</p>"
        + "<form method=\"post\" action=\"script\"><textarea name=\"script\">" + FileDownloadDecoy.htmlEscape(script)
        + "</textarea><input type=\"hidden\" name=\"Jenkins-Crumb\" value=\"3f1c0a7e\"><button>Run</button></form>";
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html><html class=\"\"><head resURL=\"/static/4d2a1f9c\" data-rooturl=\"\" data-resurl=\"/static/4d2a1f9c\">"
        + "<title>" + title + "</title></head><body id=\"jenkins\" class=\"yui-skin-sam two-column jenkins-" + VERSION + "\">"
        + body + "<footer><a href=\"https://www.jenkins.io/\">Jenkins " + VERSION + "</a></footer></body></html>";
  }
}
