package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.JSONP;

import java.util.Set;

/**
 * JSONP under {@code /jsonp/}: a profile (read from the session cookie) wrapped in a declared {@code callback}
 * parameter and served as JavaScript; an undeclared {@code jsonp} parameter with the {@code /**}{@code /} prefix
 * served as JSON; and safe twins — a callback restricted to a fixed allow-list, an endpoint that ignores
 * callbacks, and JSON that merely contains the callback name in a field.
 */
public final class JsonpRoutes implements VulnerableRoutes {

  private static final Set<String> ALLOWED = Set.of("renderProfile");

  @Override
  public void register(AppRoutes routes) {
    routes.handle("GET", "/jsonp/profile", req -> {
      String cb = req.param("callback");
      String data = profile(req);
      return cb == null ? AppResponse.json(data) : AppResponse.of(200, "application/javascript", cb + "(" + data + ");");
    }).operation("GET", "/jsonp/profile", OperationJson.withParameter("jsonpProfile", "query", "callback", "renderProfile"))
        .link("<a href=\"/jsonp/profile?callback=renderProfile\">/jsonp/profile</a>")
        .vulnerable(JSONP, "GET", "/jsonp/profile", "callback");

    routes.handle("GET", "/jsonp/safe-profile", req -> {
      String cb = req.param("callback");
      String data = profile(req);
      return cb == null || !ALLOWED.contains(cb) ? AppResponse.json(data) : AppResponse.of(200, "application/javascript", cb + "(" + data + ");");
    }).operation("GET", "/jsonp/safe-profile", OperationJson.withParameter("jsonpSafeProfile", "query", "callback", "renderProfile"))
        .link("<a href=\"/jsonp/safe-profile?callback=renderProfile\">/jsonp/safe-profile</a>")
        .safe(JSONP, "GET", "/jsonp/safe-profile", "callback");

    routes.handle("GET", "/jsonp/orders", req -> {
      String cb = req.param("jsonp");
      String data = "{\"orders\":[{\"id\":1,\"total\":\"12.50\"}]}";
      return AppResponse.json(cb == null ? data : "/**/ " + cb + "(" + data + ")");
    }).operation("GET", "/jsonp/orders", OperationJson.plain("jsonpOrders"))
        .link("<a href=\"/jsonp/orders\">/jsonp/orders</a>")
        .vulnerable(JSONP, "GET", "/jsonp/orders", "jsonp");

    routes.handle("GET", "/jsonp/safe-orders", req -> AppResponse.json("{\"orders\":[{\"id\":1,\"total\":\"12.50\"}]}"))
        .operation("GET", "/jsonp/safe-orders", OperationJson.plain("jsonpSafeOrders"))
        .link("<a href=\"/jsonp/safe-orders\">/jsonp/safe-orders</a>")
        .safe(JSONP, "GET", "/jsonp/safe-orders", "callback");

    routes.handle("GET", "/jsonp/safe-echo", req -> {
      String cb = req.param("callback");
      String quoted = cb == null ? "null" : "\"" + cb.replace("\\", "\\\\").replace("\"", "\\\"") + "(\"";
      return AppResponse.json("{\"callback\":" + quoted + ",\"note\":\"callbacks are not supported\"}");
    }).operation("GET", "/jsonp/safe-echo", OperationJson.withParameter("jsonpSafeEcho", "query", "callback", "x"))
        .link("<a href=\"/jsonp/safe-echo?callback=x\">/jsonp/safe-echo</a>")
        .safe(JSONP, "GET", "/jsonp/safe-echo", "callback");
  }

  private static String profile(AppRequest req) {
    String user = req.cookies().getOrDefault("session", "").isEmpty() ? "guest" : "alice";
    return "{\"user\":\"" + user + "\",\"email\":\"" + user + "@example.test\"}";
  }
}
