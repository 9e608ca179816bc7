package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.OPEN_REDIRECT;

import java.net.URI;

/**
 * Open redirects under {@code /redirect/}, each with a safe twin under {@code /redirect/safe-}: a Location header
 * taken as is, a login form's {@code next} checked only for a leading slash (so {@code //host} and {@code /\host}
 * pass), a meta refresh, a script redirect, a prefix check against the app's own origin (beaten by
 * {@code origin@host}), and a parameter whose name does not say URL. The safe twins allow relative paths only, or
 * compare the parsed host with their own.
 */
public final class OpenRedirectRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    query(routes, "go", "url", "/home", (req, to) -> AppResponse.redirect(to), (req, to) -> AppResponse.redirect(relativeOnly(to)));
    query(routes, "meta", "return", "/home", (req, to) -> metaRefresh(to), (req, to) -> metaRefresh(relativeOnly(to)));
    query(routes, "js", "dest", "/home", (req, to) -> script(to), (req, to) -> script(sameHost(req, to) ? to : "/home"));
    query(routes, "check", "target", "/home", (req, to) -> AppResponse.redirect(isRelative(to) || to.startsWith(origin(req)) ? to : "/home"),
        (req, to) -> AppResponse.redirect(sameHost(req, to) || isRelative(to) ? to : "/home"));
    query(routes, "page", "p", "home", (req, to) -> AppResponse.redirect(to), (req, to) -> AppResponse.redirect("/" + to.replaceAll("[^A-Za-z0-9_-]", "")));
    for (String path : new String[] {"/redirect/login", "/redirect/safe-login"}) {
      boolean vulnerable = !path.contains("safe");
      routes.handle("POST", path, req -> {
        String next = req.form().getOrDefault("next", java.util.List.of("/home")).get(0);
        boolean ok = vulnerable ? next.startsWith("/") : isRelative(next);
        return AppResponse.redirect(ok ? next : "/home");
      }).operation("POST", path, OperationJson.withBodyField(OperationJson.idFor(path), "application/x-www-form-urlencoded", "next", "/account"))
          .link("<form method=\"post\" action=\"" + path + "\"><input name=\"next\" value=\"/account\"><button>log in</button></form>");
      truth(routes, vulnerable, "POST", path, "next");
    }
  }

  @FunctionalInterface
  interface Redirector {
    AppResponse answer(AppRequest request, String to);
  }

  private static void query(AppRoutes routes, String name, String param, String example, Redirector vulnerable, Redirector safe) {
    for (String path : new String[] {"/redirect/" + name, "/redirect/safe-" + name}) {
      Redirector r = path.contains("/safe-") ? safe : vulnerable;
      routes.handle("GET", path, req -> r.answer(req, req.param(param) == null ? example : req.param(param)))
          .operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, example))
          .link("<a href=\"" + path + "?" + param + "=" + example + "\">" + path + "</a>");
      truth(routes, r == vulnerable, "GET", path, param);
    }
  }

  private static void truth(AppRoutes routes, boolean vulnerable, String method, String path, String param) {
    if (vulnerable) {
      routes.vulnerable(OPEN_REDIRECT, method, path, param);
    } else {
      routes.safe(OPEN_REDIRECT, method, path, param);
    }
  }

  /** A path on this host: one leading slash, not followed by a slash or backslash, no scheme, no control characters. */
  static boolean isRelative(String to) {
    return to.matches("/(?![/\\\\])[^\\\\\\x00-\\x20]*");
  }

  private static String relativeOnly(String to) {
    return isRelative(to) ? to : "/home";
  }

  private static boolean sameHost(AppRequest req, String to) {
    try {
      URI u = new URI(to);
      return u.getHost() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getRawUserInfo() == null
          && (u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())).equalsIgnoreCase(req.header("host"));
    } catch (Exception e) {
      return false;
    }
  }

  private static String origin(AppRequest req) {
    return "http://" + req.header("host");
  }

  private static AppResponse metaRefresh(String to) {
    return AppResponse.html("<html><head><meta http-equiv=\"refresh\" content=\"0; url=" + to.replace("\"", "&quot;") + "\"></head>"
        + "<body>Redirecting…</body></html>");
  }

  private static AppResponse script(String to) {
    String js = to.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/").replace("<", "\\u003c");
    return AppResponse.html("<html><body><script>window.location.replace(\"" + js + "\");</script></body></html>");
  }
}
