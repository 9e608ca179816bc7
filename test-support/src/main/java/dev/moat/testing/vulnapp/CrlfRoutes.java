package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.CRLF_INJECTION;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Response header injection under {@code /crlf/}, each with a safe twin under {@code /crlf/safe-}. The vulnerable
 * endpoints write a decoded parameter into a header as is ({@link AppResponse} writes header values raw): a
 * redirect's Location, a language cookie, a path segment in a Location, a form field in a custom header, and a
 * server that keeps only each character's low byte (old Node.js) after stripping real CR/LF — so only the
 * UTF-8 variant gets through. The safe twins strip CR/LF or percent-encode the value; one safe endpoint reflects
 * the value in its body only (a reflection, not an injection).
 */
public final class CrlfRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    query(routes, "redirect", "to", "/home", to -> AppResponse.redirect(to), to -> AppResponse.redirect(stripped(to)));
    query(routes, "lang", "lang", "en", lang -> AppResponse.text("ok").withHeader("Set-Cookie", "lang=" + lang + "; Path=/"),
        lang -> AppResponse.text("ok").withHeader("Set-Cookie", "lang=" + URLEncoder.encode(lang, StandardCharsets.UTF_8) + "; Path=/"));
    query(routes, "node", "next", "/home", next -> AppResponse.redirect(lowBytes(stripped(next))),
        next -> AppResponse.redirect(latin1Safe(stripped(next))));
    query(routes, null, "echo", "q", "hello", null, q -> AppResponse.text("You said: " + q + "\n"));
    for (String prefix : new String[] {"/crlf/path/", "/crlf/safe-path/"}) {
      boolean vulnerable = !prefix.contains("safe");
      routes.handle("GET", prefix + "**", req -> {
        String segment = AppRequest.decode(req.rawPath().substring(prefix.length()));
        return AppResponse.redirect("/crlf/home/" + (vulnerable ? segment : URLEncoder.encode(segment, StandardCharsets.UTF_8)));
      }).operation("GET", prefix + "{section}", OperationJson.withParameter(OperationJson.idFor(prefix + "section"), "path", "section", "news"))
          .link("<a href=\"" + prefix + "news\">" + prefix + "</a>");
      truth(routes, vulnerable, "GET", prefix + "{section}", "section");
    }
    for (String path : new String[] {"/crlf/greet", "/crlf/safe-greet"}) {
      boolean vulnerable = !path.contains("safe");
      routes.handle("POST", path, req -> {
        String name = req.form().getOrDefault("name", List.of("guest")).get(0);
        return AppResponse.text("hello").withHeader("X-Greeting", vulnerable ? name : stripped(name));
      }).operation("POST", path, OperationJson.withBodyField(OperationJson.idFor(path), "application/x-www-form-urlencoded", "name", "guest"))
          .link("<form method=\"post\" action=\"" + path + "\"><input name=\"name\" value=\"guest\"><button>greet</button></form>");
      truth(routes, vulnerable, "POST", path, "name");
    }
  }

  @FunctionalInterface
  interface Answer {
    AppResponse answer(String value) throws Exception;
  }

  private static void query(AppRoutes routes, String name, String param, String example, Answer vulnerable, Answer safe) {
    query(routes, name, name, param, example, vulnerable, safe);
  }

  /** Registers {@code /crlf/<vulnerableName>} and {@code /crlf/safe-<safeName>} (either may be null) with one query parameter. */
  private static void query(AppRoutes routes, String vulnerableName, String safeName, String param, String example, Answer vulnerable, Answer safe) {
    for (int i = 0; i < 2; i++) {
      String n = i == 0 ? vulnerableName : safeName;
      Answer a = i == 0 ? vulnerable : safe;
      if (n == null) {
        continue;
      }
      String path = i == 0 ? "/crlf/" + n : "/crlf/safe-" + n;
      routes.handle("GET", path, req -> a.answer(req.param(param) == null ? example : req.param(param)))
          .operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, example))
          .link("<a href=\"" + path + "?" + param + "=" + example + "\">" + path + "</a>");
      truth(routes, i == 0, "GET", path, param);
    }
  }

  private static void truth(AppRoutes routes, boolean vulnerable, String method, String path, String param) {
    if (vulnerable) {
      routes.vulnerable(CRLF_INJECTION, method, path, param);
    } else {
      routes.safe(CRLF_INJECTION, method, path, param);
    }
  }

  private static String stripped(String value) {
    return value.replaceAll("[\\r\\n]", "");
  }

  /** What a server that truncates characters to 8 bits writes: U+560D U+560A become CR LF. */
  private static String lowBytes(String value) {
    StringBuilder sb = new StringBuilder();
    value.chars().forEach(c -> sb.append((char) (c & 0xff)));
    return sb.toString();
  }

  /** Characters outside ISO-8859-1 percent-encoded as UTF-8, as a careful server writes them. */
  private static String latin1Safe(String value) {
    StringBuilder sb = new StringBuilder();
    value.codePoints().forEach(c -> sb.append(c < 0x100 ? String.valueOf((char) c) : URLEncoder.encode(new String(Character.toChars(c)), StandardCharsets.UTF_8)));
    return sb.toString();
  }
}
