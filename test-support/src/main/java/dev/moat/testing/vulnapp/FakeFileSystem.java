package dev.moat.testing.vulnapp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files the path-traversal endpoints "read": an in-memory map from absolute paths to contents, with the
 * path arithmetic of a Unix or a Windows server. Nothing here touches the machine's real files.
 */
final class FakeFileSystem {

  static final FakeFileSystem UNIX = new FakeFileSystem(false, Map.of(
      "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n",
      "/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
      "/var/www/files/report.txt", "Quarterly report: all systems nominal.\n",
      "/var/www/files/readme.txt", "Files for download.\n",
      "/app/WEB-INF/web.xml", "<?xml version=\"1.0\"?>\n<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">\n"
          + "  <display-name>shop</display-name>\n  <servlet><servlet-name>main</servlet-name></servlet>\n</web-app>\n",
      "/app/static/app.css", "body { margin: 0; }\n",
      "/app/static/index.html", "<html><body>shop</body></html>\n"));

  static final FakeFileSystem WINDOWS = new FakeFileSystem(true, Map.of(
      "c:/windows/win.ini", "; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n[mci extensions]\r\n[files]\r\n",
      "c:/inetpub/docs/manual.txt", "User manual, chapter 1.\r\n"));

  private final boolean windows;
  private final Map<String, String> files;

  private FakeFileSystem(boolean windows, Map<String, String> files) {
    this.windows = windows;
    this.files = files;
  }

  /**
   * {@code name} resolved against the directory {@code base} as a naive server would (absolute names replace the
   * base; {@code .} and {@code ..} are applied, never above the root), or null when the name is not a path.
   */
  String resolve(String base, String name) {
    String n = windows ? name.replace('\\', '/') : name;
    String b = windows ? base.replace('\\', '/') : base;
    String drive = "";
    if (windows) {
      if (n.matches("(?i)^[a-z]:.*")) {
        drive = n.substring(0, 2).toLowerCase(Locale.ROOT);
        n = n.substring(2);
        b = "/";
      } else {
        drive = b.substring(0, 2).toLowerCase(Locale.ROOT);
        b = b.substring(2);
      }
    }
    String joined = n.startsWith("/") ? n : b + "/" + n;
    List<String> parts = new ArrayList<>();
    for (String part : joined.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(part);
      }
    }
    String path = drive + "/" + String.join("/", parts);
    return windows ? path.toLowerCase(Locale.ROOT) : path;
  }

  /** The content of a resolved path; a NUL ends the name as it did for C-string file APIs. Null when absent. */
  String read(String path) {
    if (path == null) {
      return null;
    }
    int nul = path.indexOf('\0');
    return files.get(nul >= 0 ? path.substring(0, nul) : path);
  }

  /** True when the resolved path lies inside the directory {@code base}. */
  boolean within(String path, String base) {
    String b = resolve(base, ".");
    return path != null && (path.startsWith(b.endsWith("/") ? b : b + "/"));
  }
}
