package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.WEAK_PASSWORD;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logins under {@code /auth/}, {@code /api/v1/auth/} and {@code /admin/}. Vulnerable: a form login that takes
 * admin/admin123 (a redirect and a session cookie; failures re-render the form with a fresh CSRF token and the
 * user name), a JSON login that takes the documented example user with the password "password" (a token against
 * a 401), and an HTTP Basic console that takes admin/changeme. Safe twins: the same shapes with strong passwords
 * only; a JSON login that tells known users from unknown ones (401 against 404) but takes no weak password; a form
 * that locks after three failures (it would take support/support, the last built-in pair, so only a scanner that
 * ignores the lock finds it). A registration form accepts anything and must never be sent a login attempt.
 * {@link #requests} counts what each path received.
 */
public final class LoginRoutes implements VulnerableRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KNOWN = Set.of("alice@example.test", "admin@example.test");

  private static final String FOOTER = "<footer><p>Forgot your password? Ask your administrator to reset it. Sessions expire after 30 minutes"
      + " of inactivity. By signing in you agree to the acceptable use policy of the operations team.</p><p>Support: ops@example.test,"
      + " extension 4711, Monday to Friday, 9:00 to 17:00.</p></footer>";

  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger lockedFailures = new AtomicInteger();

  /** How many requests {@code path} has received. */
  public int requests(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  @Override
  public void register(AppRoutes routes) {
    form(routes, "/auth/login", true, (user, password) -> user.equals("admin") && password.equals("admin123") ? Outcome.SUCCESS : Outcome.FAILURE);
    form(routes, "/auth/safe-login", false,
        (user, password) -> user.equals("alice") && password.equals("Tr0ub4dor&3-horse-battery") ? Outcome.SUCCESS : Outcome.FAILURE);
    form(routes, "/auth/locked-login", false, (user, password) -> {
      if (lockedFailures.get() >= 3) {
        return Outcome.LOCKED;
      }
      if (user.equals("support") && password.equals("support")) {
        return Outcome.SUCCESS;
      }
      lockedFailures.incrementAndGet();
      return Outcome.FAILURE;
    });

    routes.handle("POST", "/auth/register", req -> {
      count("/auth/register");
      return AppResponse.of(201, "text/html", "<html><body><p>Welcome aboard.</p></body></html>");
    }).operation("POST", "/auth/register", formOperation("authRegister", "username", "password"))
        .link("<form method=\"post\" action=\"/auth/register\"><input name=\"username\"><input type=\"password\" name=\"password\"></form>");

    json(routes, "/api/v1/auth/login", true, (user, password) -> user.equals("alice@example.test") && password.equals("password") ? 200 : 401);
    json(routes, "/api/v1/auth/safe-login", false, (user, password) -> !KNOWN.contains(user) ? 404
        : user.equals("alice@example.test") && password.equals("c0rrect-h0rse-battery-staple") ? 200 : 401);

    basic(routes, "/admin/console", true, "Moat Admin", "admin", "changeme");
    basic(routes, "/admin/safe-console", false, "Moat Backup", "admin", "9f3Kq!v2-Lm8#pZ");
  }

  private enum Outcome { SUCCESS, FAILURE, LOCKED }

  private interface Verifier<T> {
    T check(String user, String password);
  }

  private void count(String path) {
    requests.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
  }

  private void form(AppRoutes routes, String path, boolean vulnerable, Verifier<Outcome> verifier) {
    routes.handle("POST", path, req -> {
      count(path);
      String user = req.param("username") == null ? "" : req.param("username");
      String password = req.param("password") == null ? "" : req.param("password");
      switch (verifier.check(user, password)) {
        case SUCCESS:
          return AppResponse.redirect("/dashboard").withHeader("Set-Cookie", "session=" + UUID.randomUUID() + "; HttpOnly; Path=/");
        case LOCKED:
          return AppResponse.of(423, "text/html", "<html><body><p>Account locked: too many failed login attempts. Try again in 15 minutes.</p></body></html>");
        default:
          return AppResponse.html("<html><body><h1>Sign in</h1><p class=\"error\">Invalid username or password.</p><form method=\"post\" action=\"" + path + "\">"
              + "<input type=\"hidden\" name=\"csrf\" value=\"" + UUID.randomUUID() + "\"><input name=\"username\" value=\"" + XssRoutes.html(user) + "\">"
              + "<input type=\"password\" name=\"password\"><button>Sign in</button></form>" + FOOTER + "</body></html>")
              .withHeader("Set-Cookie", "flash=" + UUID.randomUUID().toString().substring(0, 8) + "; Path=/");
      }
    }).operation("POST", path, formOperation(OperationJson.idFor(path), "username", "password"))
        .link("<form method=\"post\" action=\"" + path + "\"><input name=\"username\"><input type=\"password\" name=\"password\"><button>Sign in</button></form>");
    if (vulnerable) {
      routes.vulnerable(WEAK_PASSWORD, "POST", path, "password");
    } else {
      routes.safe(WEAK_PASSWORD, "POST", path, "password");
    }
  }

  private void json(AppRoutes routes, String path, boolean vulnerable, Verifier<Integer> verifier) {
    routes.handle("POST", path, req -> {
      count(path);
      String user = req.json() == null ? "" : req.json().path("email").asText("");
      String password = req.json() == null ? "" : req.json().path("password").asText("");
      int status = verifier.check(user, password);
      return switch (status) {
        case 200 -> AppResponse.json("{\"token\":\"" + UUID.randomUUID() + "\",\"expires_in\":3600}");
        case 404 -> AppResponse.of(404, "application/json", "{\"error\":\"no such user\"}");
        default -> AppResponse.of(401, "application/json", "{\"error\":\"invalid credentials\"}");
      };
    }).operation("POST", path, jsonOperation(OperationJson.idFor(path)));
    if (vulnerable) {
      routes.vulnerable(WEAK_PASSWORD, "POST", path, "password");
    } else {
      routes.safe(WEAK_PASSWORD, "POST", path, "password");
    }
  }

  private void basic(AppRoutes routes, String path, boolean vulnerable, String realm, String user, String password) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    routes.handle("GET", path, req -> {
      count(path);
      if (expected.equals(req.header("authorization"))) {
        return AppResponse.html("<html><body><h1>Administration</h1><p>3 nodes, 12 jobs.</p></body></html>");
      }
      return AppResponse.of(401, "text/html", "<html><body>401 Unauthorized</body></html>").withHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
    }).operation("GET", path, OperationJson.plain(OperationJson.idFor(path)))
        .link("<a href=\"" + path + "\">" + path + "</a>");
    if (vulnerable) {
      routes.vulnerable(WEAK_PASSWORD, "GET", path, "Authorization");
    } else {
      routes.safe(WEAK_PASSWORD, "GET", path, "Authorization");
    }
  }

  private static String formOperation(String operationId, String userField, String passwordField) {
    ObjectNode op = JSON.createObjectNode().put("operationId", operationId);
    op.putObject("responses").putObject("200").put("description", "OK");
    ObjectNode schema = op.putObject("requestBody").put("required", true).putObject("content").putObject("application/x-www-form-urlencoded").putObject("schema");
    schema.put("type", "object").putArray("required").add(userField).add(passwordField);
    ObjectNode props = schema.putObject("properties");
    props.putObject(userField).put("type", "string").put("example", "alice");
    props.putObject(passwordField).put("type", "string").put("format", "password");
    return op.toString();
  }

  private static String jsonOperation(String operationId) {
    ObjectNode op = JSON.createObjectNode().put("operationId", operationId);
    op.putObject("responses").putObject("200").put("description", "a token");
    ObjectNode schema = op.putObject("requestBody").put("required", true).putObject("content").putObject("application/json").putObject("schema");
    schema.put("type", "object").putArray("required").add("email").add("password");
    ObjectNode props = schema.putObject("properties");
    props.putObject("email").put("type", "string").put("format", "email").put("example", "alice@example.test");
    props.putObject("password").put("type", "string").put("format", "password");
    return op.toString();
  }
}
