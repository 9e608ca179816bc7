package dev.moat.decoy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A file-download endpoint open to path traversal ({@code /download?file=}, {@code /static/…}). Traversal in any
 * encoding raises {@code http.path_traversal} and is answered from the {@link FakeFilesystem}, resolved against the
 * app's files directory as a vulnerable app would; nothing is read from the real disk.
 */
public final class FileDownloadDecoy implements HttpEmulator {

  static final String FILES_DIRECTORY = "/var/www/app/files";
  private final FakeFilesystem fs;

  public FileDownloadDecoy(FakeFilesystem fs) {
    this.fs = fs;
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("file-download", "local file read", "a document download endpoint (nginx + PHP) open to path traversal", 8080,
        List.of("http.path_traversal (HIGH, T1083): ../, ..%2f, %2e%2e/, double encoding, ..\\, absolute paths, NUL bytes in ?file= or /static/…"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    return Map.of("Server", "nginx/1.18.0 (Ubuntu)", "X-Powered-By", "PHP/7.4.3");
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    String requested;
    if (path.equals("/download") || path.equals("/download.php")) {
      requested = Decoding.parameter(request, "file");
      if (requested == null) {
        return HttpReply.text(400, "missing parameter: file\n");
      }
    } else if (path.startsWith("/static/") || request.rawTarget().startsWith("/static/")) {
      String raw = request.rawTarget();
      int q = raw.indexOf('?');
      requested = (q < 0 ? raw : raw.substring(0, q)).substring(raw.startsWith("/static/") ? "/static/".length() : 0);
    } else if (path.equals("/") || path.equals("/index.html")) {
      return HttpReply.html(200, "<!DOCTYPE html><html><head><title>Document Center</title></head><body><h1>Document Center</h1>"
          + "<ul><li><a href=\"/download?file=report.pdf\">Quarterly report (PDF)</a></li></ul></body></html>");
    } else {
      return HttpReply.html(404, "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center>"
          + "<hr><center>nginx/1.18.0 (Ubuntu)</center></body></html>");
    }
    String resolved = FakeFilesystem.resolve(FILES_DIRECTORY, PathTraversal.decoded(requested));
    if (PathTraversal.detect(requested) || PathTraversal.detect(request.rawTarget()) && !resolved.startsWith(FILES_DIRECTORY + "/")) {
      interaction.alert("http.path_traversal", AlertSeverity.HIGH, "T1083", Excerpts.printable(request.rawTarget(), 256),
          Map.of("path", Excerpts.printable(resolved, 256), "parameter", Excerpts.printable(requested, 256), "technique_also", "T1005"));
    }
    if (fs.permissionDenied(resolved)) {
      return HttpReply.html(200, "<br />\n<b>Warning</b>:  readfile(" + FILES_DIRECTORY + "/" + htmlEscape(requested)
          + "): failed to open stream: Permission denied in <b>/var/www/app/download.php</b> on line <b>14</b><br />\n");
    }
    Optional<byte[]> content = fs.read(resolved);
    if (content.isEmpty()) {
      return HttpReply.html(404, "<html><head><title>404 Not Found</title></head><body><h1>File not found</h1></body></html>");
    }
    String name = resolved.substring(resolved.lastIndexOf('/') + 1);
    String type = name.endsWith(".pdf") ? "application/pdf" : "application/octet-stream";
    return new HttpReply(200, Map.of("Content-Type", type, "Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\""),
        content.get());
  }

  static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
