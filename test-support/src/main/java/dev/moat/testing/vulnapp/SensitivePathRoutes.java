package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.DIRECTORY_ENUMERATION;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Sensitive files at the app's root (the ground truth's parameter is null): exposed version-control metadata, an
 * environment file, a database dump, a backup archive, the actuator environment, Swagger UI, a web.xml and a
 * security.txt; and their safe counterparts — paths that answer 200 without the file's content, and consoles
 * behind 401/403. Their "secrets" are made up.
 */
public final class SensitivePathRoutes implements VulnerableRoutes {

  @Override
  public void register(AppRoutes routes) {
    exposed(routes, "/.git/HEAD", "text/plain", "ref: refs/heads/main\n");
    exposed(routes, "/.git/config", "text/plain", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
        + "[remote \"origin\"]\n\turl = https://git.example.test/shop.git\n");
    exposed(routes, "/.env", "text/plain", "# production\nAPP_ENV=production\nDB_PASSWORD=fake-db-password-1\nAPI_KEY=fake-api-key-2\n");
    exposed(routes, "/db.sql", "application/sql", "-- MySQL dump 10.13  Distrib 8.0.36\nCREATE TABLE users (id int, name varchar(40), hash varchar(80));\n"
        + "INSERT INTO users VALUES (1,'admin','fake-hash-3');\n");
    routes.handle("GET", "/backup.zip", req -> new AppResponse(200, List.of(Map.entry("Content-Type", "application/zip")), zip()));
    routes.vulnerable(DIRECTORY_ENUMERATION, "GET", "/backup.zip", null);
    exposed(routes, "/actuator/env", "application/vnd.spring-boot.actuator.v3+json", "{\"activeProfiles\":[\"prod\"],\"propertySources\":[{\"name\":\"systemEnvironment\","
        + "\"properties\":{\"DB_PASSWORD\":{\"value\":\"fake-db-password-1\"}}}]}");
    exposed(routes, "/swagger-ui.html", "text/html", "<!DOCTYPE html><html><head><title>Swagger UI</title>"
        + "<link rel=\"stylesheet\" href=\"swagger-ui.css\"></head><body><div id=\"swagger-ui\"></div></body></html>");
    exposed(routes, "/WEB-INF/web.xml", "application/xml", "<?xml version=\"1.0\"?>\n<web-app version=\"6.0\"><display-name>shop</display-name></web-app>\n");
    exposed(routes, "/.well-known/security.txt", "text/plain", "Contact: mailto:security@example.test\nExpires: 2030-01-01T00:00:00.000Z\n");

    hidden(routes, "/.svn/entries", AppResponse.status(403, "Forbidden"));
    hidden(routes, "/.htpasswd", AppResponse.text("Not found\n"));
    hidden(routes, "/backup.tar.gz", AppResponse.html("<html><body>Backups are not served from here.</body></html>"));
    hidden(routes, "/phpinfo.php", AppResponse.html("<html><head><title>Info</title></head><body>Nothing to see.</body></html>"));
    hidden(routes, "/server-status", AppResponse.status(403, "Forbidden"));
    hidden(routes, "/manager/html", AppResponse.of(401, "text/html", "<html><head><title>401 Unauthorized</title></head>"
        + "<body><h1>Tomcat Web Application Manager</h1>Log in first.</body></html>").withHeader("WWW-Authenticate", "Basic realm=\"Tomcat Manager Application\""));
  }

  private static void exposed(AppRoutes routes, String path, String type, String body) {
    routes.handle("GET", path, req -> AppResponse.of(200, type, body));
    routes.vulnerable(DIRECTORY_ENUMERATION, "GET", path, null);
  }

  private static void hidden(AppRoutes routes, String path, AppResponse response) {
    routes.handle("GET", path, req -> response);
    routes.safe(DIRECTORY_ENUMERATION, "GET", path, null);
  }

  private static byte[] zip() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("config/application.properties"));
      zip.write("spring.datasource.password=fake-db-password-1\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
