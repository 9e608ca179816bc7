package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.PATH_TRAVERSAL;

import java.io.ByteArrayOutputStream;

/**
 * Local file read, over {@link FakeFileSystem} (never the machine's files). Each context has a vulnerable
 * endpoint under {@code /traversal/} and a safe twin under {@code /traversal/safe-}: a plain join (with
 * {@code file:} URLs), a path parameter, a filter that strips {@code ../} once, a filter that checks before a
 * second URL decoding, a JSON body field, a Windows server, a web application confined to its own root instead of
 * its static folder, a legacy overlong-UTF-8 decoder, and an appended extension a NUL cuts off.
 */
public final class PathTraversalRoutes implements VulnerableRoutes {

  private static final FakeFileSystem UNIX = FakeFileSystem.UNIX;
  private static final FakeFileSystem WINDOWS = FakeFileSystem.WINDOWS;
  private static final String FILES = "/var/www/files";

  /** Reads a file for a requested name, or returns null (the endpoint answers 404). */
  @FunctionalInterface
  interface Reader {
    String read(String name);
  }

  @Override
  public void register(AppRoutes routes) {
    query(routes, "view", "file", "report.txt",
        name -> UNIX.read(UNIX.resolve(FILES, name.replaceFirst("^file://", ""))),
        name -> confined(UNIX, FILES, name));
    pathParameter(routes,
        name -> UNIX.read(UNIX.resolve(FILES, name)),
        name -> name.contains("/") || name.contains("\\") || name.contains("..") ? null : UNIX.read(UNIX.resolve(FILES, name)));
    query(routes, "strip", "file", "readme.txt",
        name -> name.startsWith("/") || name.startsWith("file:") ? null : UNIX.read(UNIX.resolve(FILES, name.replace("../", ""))),
        name -> {
          String n = name;
          for (String previous = null; !n.equals(previous); ) {
            previous = n;
            n = n.replace("../", "");
          }
          return n.startsWith("/") ? null : confined(UNIX, FILES, n);
        });
    query(routes, "double", "path", "report.txt",
        name -> name.contains("..") || name.startsWith("/") ? null : UNIX.read(UNIX.resolve(FILES, AppRequest.decode(name))),
        name -> {
          String twice = AppRequest.decode(name);
          return twice.contains("..") || twice.startsWith("/") ? null : confined(UNIX, FILES, twice);
        });
    json(routes,
        name -> UNIX.read(UNIX.resolve(FILES, name)),
        name -> confined(UNIX, FILES, name));
    query(routes, "win", "doc", "manual.txt",
        name -> WINDOWS.read(WINDOWS.resolve("C:\\inetpub\\docs", name)),
        name -> confined(WINDOWS, "C:\\inetpub\\docs", name));
    query(routes, "static", "path", "app.css",
        name -> confined(UNIX, "/app", UNIX.resolve("/app/static", name)),
        name -> confined(UNIX, "/app/static", name));
    query(routes, "page", "name", "readme",
        name -> UNIX.read(UNIX.resolve(FILES, name + ".txt")),
        name -> name.indexOf('\0') >= 0 ? null : confined(UNIX, FILES, name + ".txt"));
    legacy(routes);
  }

  private static String confined(FakeFileSystem fs, String base, String name) {
    String path = fs.resolve(base, name);
    return fs.within(path, base) ? fs.read(path) : null;
  }

  private static AppResponse answer(String content) {
    return content == null ? AppResponse.status(404, "no such file") : AppResponse.text(content);
  }

  /** {@code GET /traversal/<name>?<param>=} and its safe twin {@code /traversal/safe-<name>}. */
  private static void query(AppRoutes routes, String name, String param, String example, Reader vulnerable, Reader safe) {
    register(routes, "/traversal/" + name, param, example, vulnerable, true);
    register(routes, "/traversal/safe-" + name, param, example, safe, false);
  }

  private static void register(AppRoutes routes, String path, String param, String example, Reader reader, boolean vulnerable) {
    routes.handle("GET", path, req -> answer(req.param(param) == null ? null : reader.read(req.param(param))))
        .operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, example))
        .link("<a href=\"" + path + "?" + param + "=" + example + "\">" + path + "</a>");
    truth(routes, vulnerable, "GET", path, param);
  }

  private static void truth(AppRoutes routes, boolean vulnerable, String method, String path, String param) {
    if (vulnerable) {
      routes.vulnerable(PATH_TRAVERSAL, method, path, param);
    } else {
      routes.safe(PATH_TRAVERSAL, method, path, param);
    }
  }

  private static void pathParameter(AppRoutes routes, Reader vulnerable, Reader safe) {
    for (String prefix : new String[] {"/traversal/files/", "/traversal/safe-files/"}) {
      Reader reader = prefix.contains("safe") ? safe : vulnerable;
      routes.handle("GET", prefix + "**", req -> answer(reader.read(AppRequest.decode(req.rawPath().substring(req.rawPath().indexOf(prefix) + prefix.length())))))
          .operation("GET", prefix + "{name}", OperationJson.withParameter(OperationJson.idFor(prefix + "name"), "path", "name", "readme.txt"))
          .link("<a href=\"" + prefix + "readme.txt\">" + prefix + "</a>");
      truth(routes, reader == vulnerable, "GET", prefix + "{name}", "name");
    }
  }

  private static void json(AppRoutes routes, Reader vulnerable, Reader safe) {
    for (String path : new String[] {"/traversal/api/export", "/traversal/safe-api/export"}) {
      Reader reader = path.contains("safe") ? safe : vulnerable;
      routes.handle("POST", path, req -> {
        var body = req.json();
        String name = body == null ? null : body.path("path").asText(null);
        return name == null ? AppResponse.status(400, "path required") : answer(reader.read(name));
      }).operation("POST", path, OperationJson.withBodyField(OperationJson.idFor(path), "application/json", "path", "report.txt"));
      truth(routes, reader == vulnerable, "POST", path, "path");
    }
  }

  /**
   * A legacy decoder (the IIS Unicode bug's shape): {@code ..} is refused in the value decoded as strict UTF-8,
   * but the file name is then decoded again by a lax decoder that accepts overlong forms ({@code %c0%ae} is a dot).
   * The safe twin refuses {@code ..} in what the lax decoder produced.
   */
  private static void legacy(AppRoutes routes) {
    for (String path : new String[] {"/traversal/legacy", "/traversal/safe-legacy"}) {
      boolean vulnerable = !path.contains("safe");
      AppHandler handler = req -> {
        String raw = rawQueryValue(req.rawQuery(), "file");
        if (raw == null) {
          return AppResponse.status(400, "file required");
        }
        String checked = vulnerable ? AppRequest.decode(raw) : laxDecode(raw);
        if (checked.contains("..") || checked.startsWith("/")) {
          return AppResponse.status(403, "refused");
        }
        return answer(UNIX.read(UNIX.resolve(FILES, laxDecode(raw))));
      };
      routes.handle("GET", path, handler)
          .operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", "file", "readme.txt"))
          .link("<a href=\"" + path + "?file=readme.txt\">" + path + "</a>");
      truth(routes, vulnerable, "GET", path, "file");
    }
  }

  private static String rawQueryValue(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** Percent-decodes to bytes, then reads UTF-8 accepting overlong two-byte forms ({@code C0 AE} → {@code .}). */
  static String laxDecode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
        bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c == '+' ? ' ' : c);
      }
    }
    byte[] b = bytes.toByteArray();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b.length; i++) {
      int x = b[i] & 0xff;
      if ((x & 0xe0) == 0xc0 && i + 1 < b.length && (b[i + 1] & 0xc0) == 0x80) {
        out.append((char) (((x & 0x1f) << 6) | (b[++i] & 0x3f)));
      } else {
        out.append((char) x);
      }
    }
    return out.toString();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
