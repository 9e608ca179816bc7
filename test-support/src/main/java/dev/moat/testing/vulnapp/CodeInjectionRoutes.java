package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.CODE_INJECTION;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Template and expression injection under {@code /code/}, each with a safe twin under {@code /code/safe-} that
 * shows the input literally. The vulnerable routes "render" the input with a tiny evaluator of their own that
 * knows only integer multiplication in one template syntax ({@code {{ }}}, {@code ${ }}, {@code #{ }},
 * {@code <%= %>}) or a bare {@code a*b} for an eval-style calculator. No real template engine or interpreter runs.
 */
public final class CodeInjectionRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    route(routes, "greet", "name", "Ada", evaluating("\\{\\{\\s*(\\d+)\\s*\\*\\s*(\\d+)\\s*\\}\\}"));
    route(routes, "el", "title", "Report", evaluating("\\$\\{\\s*(\\d+)\\s*\\*\\s*(\\d+)\\s*\\}"));
    route(routes, "ruby", "msg", "hello", evaluating("#\\{\\s*(\\d+)\\s*\\*\\s*(\\d+)\\s*\\}"));
    route(routes, "erb", "comment", "nice", evaluating("<%=\\s*(\\d+)\\s*\\*\\s*(\\d+)\\s*%>"));
    route(routes, "calc", "expr", "6", CodeInjectionRoutes::calculate);
  }

  private static void route(AppRoutes routes, String name, String param, String example, UnaryOperator<String> render) {
    for (String path : new String[] {"/code/" + name, "/code/safe-" + name}) {
      boolean vulnerable = !path.contains("/safe-");
      routes.handle("GET", path, req -> {
        String value = req.param(param) == null ? example : req.param(param);
        return AppResponse.text("Rendered: " + (vulnerable ? render.apply(value) : value) + "\n");
      }).operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, example))
          .link("<a href=\"" + path + "?" + param + "=" + example + "\">" + path + "</a>");
      if (vulnerable) {
        routes.vulnerable(CODE_INJECTION, "GET", path, param);
      } else {
        routes.safe(CODE_INJECTION, "GET", path, param);
      }
    }
  }

  /** Replaces each {@code a*b} in this one syntax by its product; everything else stays as it is. */
  private static UnaryOperator<String> evaluating(String syntax) {
    Pattern pattern = Pattern.compile(syntax);
    return value -> {
      Matcher m = pattern.matcher(value);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Long.toString(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2))));
      }
      m.appendTail(sb);
      return sb.toString();
    };
  }

  /** An eval-style calculator: a number, or a product of two numbers; anything else is a syntax error. */
  private static String calculate(String value) {
    Matcher m = Pattern.compile("\\s*(\\d{1,9})\\s*(?:\\*\\s*(\\d{1,9})\\s*)?").matcher(value);
    if (!m.matches()) {
      return "SyntaxError: invalid syntax";
    }
    long a = Long.parseLong(m.group(1));
    return Long.toString(m.group(2) == null ? a : a * Long.parseLong(m.group(2)));
  }
}
