package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.FILE_UPLOAD;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File upload under {@code /upload/}, stored in memory (at most {@value #MAX_FILES} files of {@value #MAX_BYTES}
 * bytes) and served back under {@code /uploads/}. The server "runs" {@code .php}, {@code .phtml} and {@code .jsp}
 * files with a pretend interpreter that knows only {@code <?php echo a*b; ?>} and {@code <%= a*b %>} (no code is
 * ever run), and serves {@code .html}/{@code .svg} as the browser would render them.
 *
 * <p>Vulnerable: the avatar keeps any name; the document checks only the part's Content-Type; the profile page
 * refuses server-side scripts but lets HTML and SVG through; the import keeps any name in a place it does not
 * say. Safe twins: an avatar with an extension allow-list and magic-byte check; a document stored under a random
 * name served as an attachment; notes that keep the name but serve everything as plain text.
 */
public final class UploadRoutes implements VulnerableRoutes {

  static final int MAX_FILES = 500;
  static final int MAX_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PHP_ECHO = Pattern.compile("<\\?php\\s+echo\\s+(\\d{1,9})\\s*\\*\\s*(\\d{1,9})\\s*;\\s*\\?>");
  private static final Pattern JSP_EXPR = Pattern.compile("<%=\\s*(\\d{1,9})\\s*\\*\\s*(\\d{1,9})\\s*%>");
  private static final Set<String> SCRIPTS = Set.of("php", "phtml", "php5", "jsp");

  /** A stored file: how the server will serve it ({@code run}: scripts execute; {@code plain}: text/plain; {@code attachment}). */
  private record Stored(String mode, byte[] content) {}

  private final Map<String, Stored> files = new ConcurrentHashMap<>();

  @Override
  public void register(AppRoutes routes) {
    upload(routes, "/upload/avatar", "avatar", true, (name, type, content) -> store("avatars/" + name, "run", content));
    upload(routes, "/upload/document", "document", true, (name, type, content) ->
        type != null && type.matches("image/(png|jpeg|gif)") ? store("docs/" + name, "run", content) : null);
    upload(routes, "/upload/profile-page", "page", true, (name, type, content) ->
        SCRIPTS.contains(extension(name)) ? null : store("pages/" + name, "run", content));
    upload(routes, "/upload/import", "archive", true, (name, type, content) -> {
      storeAt("private/" + name, "run", content);
      return "{\"stored\":" + JSON.valueToTree(name) + "}";
    });
    upload(routes, "/upload/safe-avatar", "avatar", false, (name, type, content) ->
        Set.of("png", "jpg", "jpeg", "gif").contains(extension(name)) && imageMagic(content) ? store("safe-avatars/" + name, "run", content) : null);
    upload(routes, "/upload/safe-document", "document", false, (name, type, content) ->
        store("blobs/" + UUID.randomUUID(), "attachment", content));
    upload(routes, "/upload/safe-notes", "note", false, (name, type, content) -> store("notes/" + name, "plain", content));

    routes.handle("GET", "/uploads/**", req -> serve(req.path().substring("/uploads/".length())));
  }

  /** What a route does with an accepted file: the JSON answer, or null to refuse it. */
  private interface Storage {
    String accept(String name, String contentType, byte[] content);
  }

  private void upload(AppRoutes routes, String path, String field, boolean vulnerable, Storage storage) {
    routes.handle("POST", path, req -> {
      AppRequest.Part part = req.multipart().stream().filter(p -> p.name().equals(field) && p.filename() != null).findFirst().orElse(null);
      if (part == null) {
        return AppResponse.of(400, "application/json", "{\"error\":\"a file part named " + field + " is required\"}");
      }
      String name = part.filename().replaceAll("[/\\\\]", "_");
      if (part.content().length > MAX_BYTES || files.size() >= MAX_FILES) {
        return AppResponse.of(413, "application/json", "{\"error\":\"too large\"}");
      }
      String answer = storage.accept(name, part.contentType(), part.content());
      if (answer == null) {
        return AppResponse.of(400, "application/json", "{\"error\":\"this file type is not allowed\"}");
      }
      AppResponse response = AppResponse.of(201, "application/json", answer);
      String url = JSON.readTree(answer).path("url").asText("");
      return url.isEmpty() ? response : response.withHeader("Location", url);
    }).operation("POST", path, multipartOperation(OperationJson.idFor(path), field))
        .link("<form method=\"post\" action=\"" + path + "\" enctype=\"multipart/form-data\"><input type=\"text\" name=\"user\" value=\"alice\">"
            + "<input type=\"file\" name=\"" + field + "\"><input type=\"submit\"></form>");
    if (vulnerable) {
      routes.vulnerable(FILE_UPLOAD, "POST", path, field);
    } else {
      routes.safe(FILE_UPLOAD, "POST", path, field);
    }
  }

  private String store(String key, String mode, byte[] content) {
    storeAt(key, mode, content);
    return "{\"url\":" + JSON.valueToTree("/uploads/" + key) + "}";
  }

  private void storeAt(String key, String mode, byte[] content) {
    files.put(key, new Stored(mode, content.clone()));
  }

  private AppResponse serve(String key) {
    Stored f = files.get(key);
    if (f == null || key.startsWith("private/")) {
      return AppResponse.notFound();
    }
    String text = new String(f.content(), StandardCharsets.UTF_8);
    String ext = extension(key);
    switch (f.mode()) {
      case "attachment":
        return AppResponse.of(200, "application/octet-stream", text).withHeader("Content-Disposition", "attachment")
            .withHeader("X-Content-Type-Options", "nosniff");
      case "plain":
        return AppResponse.of(200, "text/plain", text).withHeader("X-Content-Type-Options", "nosniff");
      default:
        if (ext.startsWith("php") || ext.equals("phtml")) {
          return AppResponse.html(evaluate(PHP_ECHO, text));
        }
        if (ext.equals("jsp")) {
          return AppResponse.html(evaluate(JSP_EXPR, text));
        }
        return AppResponse.of(200, switch (ext) {
          case "html", "htm" -> "text/html";
          case "svg" -> "image/svg+xml";
          case "png" -> "image/png";
          case "gif" -> "image/gif";
          case "jpg", "jpeg" -> "image/jpeg";
          default -> "text/plain";
        }, text);
    }
  }

  /** The pretend interpreter: replaces each {@code a*b} expression of the pattern by its product; the rest is output as is. */
  private static String evaluate(Pattern expression, String text) {
    Matcher m = expression.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Long.toString(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The extension as a server maps it: after the last dot, lower case, trailing dots and spaces dropped. */
  static String extension(String name) {
    String n = name.replaceAll("[. ]+$", "");
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean imageMagic(byte[] c) {
    Predicate<String> starts = magic -> new String(c, 0, Math.min(c.length, magic.length()), StandardCharsets.ISO_8859_1).equals(magic);
    return starts.test("\u0089PNG\r\n\u001a\n") || starts.test("GIF87a") || starts.test("GIF89a") || starts.test("\u00ff\u00d8\u00ff");
  }

  private static String multipartOperation(String operationId, String field) {
    ObjectNode op = JSON.createObjectNode().put("operationId", operationId);
    op.putObject("responses").putObject("201").put("description", "stored");
    ObjectNode schema = op.putObject("requestBody").put("required", true).putObject("content").putObject("multipart/form-data").putObject("schema");
    schema.put("type", "object").putArray("required").add(field);
    ObjectNode props = schema.putObject("properties");
    props.putObject(field).put("type", "string").put("format", "binary");
    props.putObject("user").put("type", "string").put("example", "alice");
    return op.toString();
  }
}
