package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.DIRECTORY_ENUMERATION;

/**
 * A catch-all that answers 200 to every path (a "soft 404"), echoing the path, with a {@code Contact:} line that
 * looks like a security.txt. Not in the catalogue: tests start it as an app of its own, and the sensitive-path
 * check must report nothing on it. Its ground truth lists the paths that check asks for as safe.
 */
public final class SoftNotFoundRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    routes.handle("*", "/**", req -> AppResponse.text("Sorry, we could not find " + req.path() + ".\n"
        + "Contact: webmaster@example.test\nref: refs/heads/main\n"));
    for (String path : new String[] {"/.git/HEAD", "/.git/config", "/.env", "/backup.zip", "/db.sql", "/actuator/env", "/swagger-ui.html",
        "/.well-known/security.txt"}) {
      routes.safe(DIRECTORY_ENUMERATION, "GET", path, null);
    }
  }
}
