package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.SQL_INJECTION;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL injection under {@code /sqli/}, simulated: no database runs. The vulnerable routes splice the parameter into
 * a query text and "execute" it with a tiny evaluator that understands only {@code value [AND a=b]…} — an
 * unbalanced quote gives the dialect's real error message (MySQL for the numeric product id, PostgreSQL for the
 * quoted search term), a false condition gives no rows. A JSON login-free user lookup is blind (a bare 500, no
 * message). Two blind routes answer the same page whatever the query does — no error, no difference — and give
 * themselves away only by time: the numeric report year (MySQL: a balanced query calling {@code SLEEP(n)} waits n
 * seconds) and the JSON audit user (PostgreSQL, quoted: {@code PG_SLEEP(n)}). The safe twins bind the value: quotes
 * and conditions are just characters of a name that matches nothing, and the numeric id is validated; the safe
 * audit is slow (1.1 s) for every value with parentheses — the delay payload and its zero-delay control alike — so
 * only the control tells it apart from a real delay.
 */
public final class SqlInjectionRoutes implements VulnerableRoutes {

  private static final List<String> PRODUCTS = List.of("1", "2", "3");
  private static final List<String> NAMES = List.of("shoes", "socks", "hat");
  private static final Pattern CONDITION = Pattern.compile("(?i)\\s+AND\\s+('?)(\\w+)\\1\\s*=\\s*('?)(\\w+)\\3");

  @Override
  public void register(AppRoutes routes) {
    routes.handle("GET", "/sqli/product", req -> {
      String id = nz(req.param("id"));
      Query q = Query.numeric(id);
      if (q.error) {
        return AppResponse.of(500, "text/html", "<b>Fatal error</b>: You have an error in your SQL syntax; check the manual that corresponds"
            + " to your MySQL server version for the right syntax to use near '" + XssRoutes.html(id) + "' at line 1");
      }
      return product(q.matches && PRODUCTS.contains(q.value) ? q.value : null);
    }).operation("GET", "/sqli/product", OperationJson.withParameter("sqliProduct", "query", "id", "1"))
        .link("<a href=\"/sqli/product?id=1\">/sqli/product</a>")
        .vulnerable(SQL_INJECTION, "GET", "/sqli/product", "id");
    routes.handle("GET", "/sqli/safe-product", req -> {
      String id = nz(req.param("id"));
      if (!id.matches("\\d+")) {
        return AppResponse.status(400, "id must be a number");
      }
      return product(PRODUCTS.contains(id) ? id : null);
    }).operation("GET", "/sqli/safe-product", OperationJson.withParameter("sqliSafeProduct", "query", "id", "1"))
        .link("<a href=\"/sqli/safe-product?id=1\">/sqli/safe-product</a>")
        .safe(SQL_INJECTION, "GET", "/sqli/safe-product", "id");

    routes.handle("GET", "/sqli/search", req -> {
      String term = nz(req.param("q"));
      Query q = Query.quoted(term);
      if (q.error) {
        return AppResponse.of(500, "text/plain", "ERROR:  unterminated quoted string at or near \"'" + term.replaceAll("[^\\w ]", "")
            + "\"\nLINE 1: SELECT * FROM products WHERE name = '" + term.replaceAll("[^\\w ]", "") + "\n");
      }
      return results(q.matches && NAMES.contains(q.value) ? q.value : null);
    }).operation("GET", "/sqli/search", OperationJson.withParameter("sqliSearch", "query", "q", "shoes"))
        .link("<a href=\"/sqli/search?q=shoes\">/sqli/search</a>")
        .vulnerable(SQL_INJECTION, "GET", "/sqli/search", "q");
    routes.handle("GET", "/sqli/safe-search", req -> results(NAMES.contains(nz(req.param("q"))) ? nz(req.param("q")) : null))
        .operation("GET", "/sqli/safe-search", OperationJson.withParameter("sqliSafeSearch", "query", "q", "shoes"))
        .link("<a href=\"/sqli/safe-search?q=shoes\">/sqli/safe-search</a>")
        .safe(SQL_INJECTION, "GET", "/sqli/safe-search", "q");

    routes.handle("POST", "/sqli/api/lookup", req -> {
      String name = req.json() == null ? "" : req.json().path("name").asText("");
      Query q = Query.quoted(name);
      if (q.error) {
        return AppResponse.status(500, "error");
      }
      return lookup(q.matches && NAMES.contains(q.value) ? q.value : null);
    }).operation("POST", "/sqli/api/lookup", OperationJson.withBodyField("sqliApiLookup", "application/json", "name", "socks"))
        .vulnerable(SQL_INJECTION, "POST", "/sqli/api/lookup", "name");
    routes.handle("POST", "/sqli/safe-api/lookup", req -> {
      String name = req.json() == null ? "" : req.json().path("name").asText("");
      return lookup(NAMES.contains(name) ? name : null);
    }).operation("POST", "/sqli/safe-api/lookup", OperationJson.withBodyField("sqliSafeApiLookup", "application/json", "name", "socks"))
        .safe(SQL_INJECTION, "POST", "/sqli/safe-api/lookup", "name");
    registerBlind(routes);
  }

  private static void registerBlind(AppRoutes routes) {
    routes.handle("GET", "/sqli/report", req -> {
      String year = nz(req.param("year"));
      // SELECT total FROM sales WHERE year = <year>; errors are logged, never shown
      if (year.matches("\\d+\\s.*") && SimulatedDelay.balanced(year)) {
        SimulatedDelay.pause(SimulatedDelay.function("SLEEP", year));
      }
      return REPORT_QUEUED;
    }).operation("GET", "/sqli/report", OperationJson.withParameter("sqliReport", "query", "year", "2024"))
        .link("<a href=\"/sqli/report?year=2024\">/sqli/report</a>")
        .vulnerable(SQL_INJECTION, "GET", "/sqli/report", "year");
    routes.handle("GET", "/sqli/safe-report", req -> nz(req.param("year")).matches("\\d{4}") ? REPORT_QUEUED : AppResponse.status(400, "year must be four digits"))
        .operation("GET", "/sqli/safe-report", OperationJson.withParameter("sqliSafeReport", "query", "year", "2024"))
        .link("<a href=\"/sqli/safe-report?year=2024\">/sqli/safe-report</a>")
        .safe(SQL_INJECTION, "GET", "/sqli/safe-report", "year");

    routes.handle("POST", "/sqli/api/audit", req -> {
      String user = req.json() == null ? "" : req.json().path("user").asText("");
      // INSERT INTO audit_queue SELECT * FROM users WHERE name = '<user>'
      int quote = user.indexOf('\'');
      if (quote >= 0 && SimulatedDelay.balanced(user.substring(quote + 1) + "'")) {
        SimulatedDelay.pause(SimulatedDelay.function("PG_SLEEP", user));
      }
      return AUDIT_QUEUED;
    }).operation("POST", "/sqli/api/audit", OperationJson.withBodyField("sqliApiAudit", "application/json", "user", "alice"))
        .vulnerable(SQL_INJECTION, "POST", "/sqli/api/audit", "user");
    routes.handle("POST", "/sqli/safe-api/audit", req -> {
      String user = req.json() == null ? "" : req.json().path("user").asText("");
      if (user.contains("(")) {
        SimulatedDelay.pauseMillis(1100); // expressions take the slow validation path, payloads and controls alike
      }
      return AUDIT_QUEUED;
    }).operation("POST", "/sqli/safe-api/audit", OperationJson.withBodyField("sqliSafeApiAudit", "application/json", "user", "alice"))
        .safe(SQL_INJECTION, "POST", "/sqli/safe-api/audit", "user");
  }

  private static final AppResponse REPORT_QUEUED = AppResponse.html("<html><body><p>Your report is being prepared.</p></body></html>");
  private static final AppResponse AUDIT_QUEUED = AppResponse.json("{\"status\":\"queued\"}");

  private static AppResponse product(String id) {
    return id == null ? AppResponse.html("<html><body><p>No such product.</p></body></html>")
        : AppResponse.html("<html><body><h1>Product " + id + "</h1><p>A fine product, in stock, ships in 2 days. Price: 12.50 EUR.</p></body></html>");
  }

  private static AppResponse results(String name) {
    return name == null ? AppResponse.html("<html><body><p>0 results.</p></body></html>")
        : AppResponse.html("<html><body><p>1 result:</p><ul><li>" + name + " — 12.50 EUR, in stock, ships in 2 days</li></ul></body></html>");
  }

  private static AppResponse lookup(String name) {
    return AppResponse.json(name == null ? "{\"items\":[]}" : "{\"items\":[{\"name\":\"" + name + "\",\"price\":\"12.50\",\"stock\":17}]}");
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The spliced query's outcome: a syntax error, or the leading value and whether every AND condition holds. */
  private record Query(boolean error, String value, boolean matches) {

    /** {@code WHERE id = <text>}: the value is the leading digits; anything but AND conditions after it is an error. */
    static Query numeric(String text) {
      Matcher m = Pattern.compile("^(\\d+)(.*)$", Pattern.DOTALL).matcher(text);
      if (!m.matches()) {
        return new Query(text.contains("'") || text.contains("\""), "", false);
      }
      return conditions(m.group(1), m.group(2));
    }

    /** {@code WHERE name = '<text>'}: the value ends at the first quote; the closing quote the app adds must balance. */
    static Query quoted(String text) {
      int quote = text.indexOf('\'');
      if (quote < 0) {
        return new Query(false, text, true);
      }
      String rest = text.substring(quote + 1) + "'";
      // the app's own closing quote finishes the last condition's quoted literal: ... AND 'a'='a + '
      if (rest.chars().filter(c -> c == '\'').count() % 2 != 0) {
        return new Query(true, "", false);
      }
      return conditions(text.substring(0, quote), " " + rest.trim());
    }

    private static Query conditions(String value, String rest) {
      String remaining = rest;
      boolean all = true;
      Matcher m = CONDITION.matcher(remaining);
      int end = 0;
      while (m.find() && m.start() == end) {
        all &= m.group(2).toLowerCase(Locale.ROOT).equals(m.group(4).toLowerCase(Locale.ROOT));
        end = m.end();
      }
      if (!remaining.substring(end).isBlank()) {
        return new Query(remaining.contains("'") || remaining.contains("\"") || !remaining.substring(end).isBlank(), "", false);
      }
      return new Query(false, value, all);
    }
  }
}
