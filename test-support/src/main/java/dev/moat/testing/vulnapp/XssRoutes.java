package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.XSS;

import java.util.function.UnaryOperator;

/**
 * Reflected XSS under {@code /xss/}, one route per context with a safe twin that encodes for that context: the
 * HTML body (a search page), a double-quoted attribute, an unquoted attribute, a string inside {@code <script>},
 * JSON served as {@code text/html} (the twin serves it as {@code application/json}), and a POSTed comment form.
 */
public final class XssRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    page(routes, "/xss/search", "/xss/safe-search", "q", "shoes", XssRoutes::html,
        v -> "<html><body><h1>Results for " + v + "</h1></body></html>");
    page(routes, "/xss/profile", "/xss/safe-profile", "name", "alice", XssRoutes::attribute,
        v -> "<html><body><form><input type=\"text\" name=\"name\" value=\"" + v + "\"></form></body></html>");
    page(routes, "/xss/banner", "/xss/safe-banner", "color", "blue", XssRoutes::unquotedAttribute,
        v -> "<html><body><div class=banner-" + v + ">Welcome</div></body></html>");
    page(routes, "/xss/track", "/xss/safe-track", "ref", "home", XssRoutes::jsString,
        v -> "<html><head><script>var ref = '" + v + "'; analytics(ref);</script></head><body>ok</body></html>");

    routes.handle("GET", "/xss/api/user", req -> AppResponse.html("{\"user\":\"" + nz(req.param("id")).replace("\"", "\\\"") + "\",\"ok\":true}"))
        .operation("GET", "/xss/api/user", OperationJson.withParameter("xssApiUser", "query", "id", "42"))
        .link("<a href=\"/xss/api/user?id=42\">/xss/api/user</a>")
        .vulnerable(XSS, "GET", "/xss/api/user", "id");
    routes.handle("GET", "/xss/safe-api/user", req -> AppResponse.json("{\"user\":\"" + nz(req.param("id")).replace("\"", "\\\"") + "\",\"ok\":true}"))
        .operation("GET", "/xss/safe-api/user", OperationJson.withParameter("xssSafeApiUser", "query", "id", "42"))
        .link("<a href=\"/xss/safe-api/user?id=42\">/xss/safe-api/user</a>")
        .safe(XSS, "GET", "/xss/safe-api/user", "id");

    routes.handle("POST", "/xss/comment", req -> AppResponse.html("<p>Thanks! Your comment: " + first(req, "text") + "</p>"))
        .operation("POST", "/xss/comment", OperationJson.withBodyField("xssComment", "application/x-www-form-urlencoded", "text", "nice"))
        .link("<form method=\"post\" action=\"/xss/comment\"><textarea name=\"text\">nice</textarea></form>")
        .vulnerable(XSS, "POST", "/xss/comment", "text");
    routes.handle("POST", "/xss/safe-comment", req -> AppResponse.html("<p>Thanks! Your comment: " + html(first(req, "text")) + "</p>"))
        .operation("POST", "/xss/safe-comment", OperationJson.withBodyField("xssSafeComment", "application/x-www-form-urlencoded", "text", "nice"))
        .link("<form method=\"post\" action=\"/xss/safe-comment\"><textarea name=\"text\">nice</textarea></form>")
        .safe(XSS, "POST", "/xss/safe-comment", "text");
  }

  private static void page(AppRoutes routes, String path, String safePath, String param, String example, UnaryOperator<String> encode,
      UnaryOperator<String> template) {
    routes.handle("GET", path, req -> AppResponse.html(template.apply(nz(req.param(param)))))
        .operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, example))
        .link("<a href=\"" + path + "?" + param + "=" + example + "\">" + path + "</a>")
        .vulnerable(XSS, "GET", path, param);
    routes.handle("GET", safePath, req -> AppResponse.html(template.apply(encode.apply(nz(req.param(param))))))
        .operation("GET", safePath, OperationJson.withParameter(OperationJson.idFor(safePath), "query", param, example))
        .link("<a href=\"" + safePath + "?" + param + "=" + example + "\">" + safePath + "</a>")
        .safe(XSS, "GET", safePath, param);
  }

  private static String first(AppRequest req, String name) {
    var values = req.form().get(name);
    return values == null || values.isEmpty() ? "" : values.get(0);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  private static String attribute(String s) {
    return html(s);
  }

  /** Only letters, digits and dashes survive in an unquoted attribute. */
  private static String unquotedAttribute(String s) {
    return s.replaceAll("[^A-Za-z0-9-]", "");
  }

  /** JavaScript string escaping, with {@code <} escaped too so {@code </script>} cannot close the block. */
  private static String jsString(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (Character.isLetterOrDigit(c) || c == ' ' || c == '-' || c == '_') {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }
}
