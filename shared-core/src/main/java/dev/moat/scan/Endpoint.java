package dev.moat.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One operation of the target: a method on a path template under a server URL, with its parameters. It
 * builds the baseline request (every parameter at its normal value) and, for a check, the same request
 * with one parameter replaced by a payload — encoded as its location requires.
 *
 * @param method HTTP method, upper case
 * @param server the server URL the path is appended to ({@code http://127.0.0.1:8080/api}); no trailing slash needed
 * @param pathTemplate the path with {@code {name}} placeholders for path parameters ({@code /items/{id}})
 * @param parameters the inputs, in the spec's order
 * @param operationId the spec's operationId, or a name derived from method and path
 * @param source where the endpoint came from: {@code openapi}, {@code crawl} or {@code target}
 */
public record Endpoint(String method, URI server, String pathTemplate, List<Parameter> parameters, String operationId, String source) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Endpoint {
    method = method.toUpperCase(Locale.ROOT);
    Objects.requireNonNull(server, "server");
    pathTemplate = pathTemplate == null || pathTemplate.isEmpty() ? "/" : pathTemplate;
    parameters = List.copyOf(parameters);
    operationId = operationId == null ? method.toLowerCase(Locale.ROOT) + pathTemplate : operationId;
    source = source == null ? "target" : source;
  }

  /** A parameterless GET of a URL (the target itself, a crawled link without a query). */
  public static Endpoint get(URI url) {
    return new Endpoint("GET", URI.create(url.getScheme() + "://" + url.getRawAuthority()), url.getRawPath(), List.of(), null, "target");
  }

  /** The endpoint's identity for de-duplication: method, server and path template. */
  public String key() {
    return method + " " + serverBase() + pathTemplate;
  }

  /** The baseline URL, path parameters filled in (without the query). */
  public String displayUrl() {
    return baseline().uri().toString().replaceFirst("\\?.*$", "");
  }

  public List<Parameter> parameters(ParameterLocation location) {
    return parameters.stream().filter(p -> p.location() == location).toList();
  }

  /** The request with every parameter at its normal value. */
  public ScanRequest baseline() {
    return build(null, null, false, null);
  }

  /** The baseline with {@code target}'s value replaced by {@code payload}, encoded for its location. */
  public ScanRequest inject(Parameter target, String payload) {
    requireOwn(target);
    return build(target, payload, false, null);
  }

  /**
   * Like {@link #inject}, but for path and query parameters the payload goes into the URL exactly as given
   * (the check chose the encoding: {@code %2e%2e%2f}, double encoding, raw CR/LF escapes). Other locations
   * behave as {@link #inject}.
   */
  public ScanRequest injectRaw(Parameter target, String rawPayload) {
    requireOwn(target);
    return build(target, rawPayload, true, null);
  }

  /**
   * The baseline with the file part {@code target} replaced by a file of the given name, part content type and
   * content (the file-upload check's probes); the other parts keep their normal values.
   *
   * @throws IllegalArgumentException if {@code target} is not one of this endpoint's multipart file parameters
   */
  public ScanRequest injectFile(Parameter target, String filename, String contentType, String content) {
    requireOwn(target);
    if (!target.isFile() || target.location() != ParameterLocation.MULTIPART_BODY) {
      throw new IllegalArgumentException("parameter " + target.name() + " of " + key() + " is not a multipart file part");
    }
    return build(target, content, false, new FilePart(filename, contentType));
  }

  /** A file part's name and content type as the request sends them. */
  private record FilePart(String filename, String contentType) {
    static final FilePart DEFAULT = new FilePart("moat.txt", "text/plain");
  }

  /** Whether the baseline has a body, and of which media type (empty when none). */
  public String bodyMediaType() {
    for (Parameter p : parameters) {
      switch (p.location()) {
        case JSON_BODY: return "application/json";
        case FORM_BODY: return "application/x-www-form-urlencoded";
        case MULTIPART_BODY: return "multipart/form-data";
        case XML_BODY: return "application/xml";
        default: break;
      }
    }
    return "";
  }

  private void requireOwn(Parameter target) {
    for (Parameter p : parameters) {
      if (p.name().equals(target.name()) && p.location() == target.location()) {
        return;
      }
    }
    throw new IllegalArgumentException("parameter " + target.name() + " (" + target.location() + ") is not one of " + key());
  }

  private String serverBase() {
    String s = server.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private String valueOf(Parameter p, Parameter target, String payload) {
    return target != null && p.name().equals(target.name()) && p.location() == target.location() ? payload : p.value();
  }

  private boolean isTarget(Parameter p, Parameter target) {
    return target != null && p.name().equals(target.name()) && p.location() == target.location();
  }

  private ScanRequest build(Parameter target, String payload, boolean raw, FilePart file) {
    String path = pathTemplate.startsWith("/") ? pathTemplate : "/" + pathTemplate;
    for (Parameter p : parameters(ParameterLocation.PATH)) {
      String v = valueOf(p, target, payload);
      path = path.replace("{" + p.name() + "}", raw && isTarget(p, target) ? v : encodePathSegment(v));
    }
    StringBuilder query = new StringBuilder();
    String existing = server.getRawQuery();
    for (Parameter p : parameters(ParameterLocation.QUERY)) {
      String v = valueOf(p, target, payload);
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(formEncode(p.name())).append('=').append(raw && isTarget(p, target) ? v : formEncode(v));
    }
    String base = serverBase().replaceFirst("\\?.*$", "");
    String uri = base + path + (query.length() > 0 ? "?" + query : existing != null ? "?" + existing : "");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Parameter p : parameters(ParameterLocation.HEADER)) {
      headers.put(p.name(), List.of(valueOf(p, target, payload)));
    }
    List<String> cookies = new ArrayList<>();
    for (Parameter p : parameters(ParameterLocation.COOKIE)) {
      cookies.add(p.name() + "=" + valueOf(p, target, payload));
    }
    if (!cookies.isEmpty()) {
      headers.put("Cookie", List.of(String.join("; ", cookies)));
    }
    byte[] body = null;
    String media = bodyMediaType();
    switch (media) {
      case "application/json" -> body = jsonBody(target, payload);
      case "application/x-www-form-urlencoded" -> body = formBody(target, payload);
      case "multipart/form-data" -> {
        String boundary = "moat-" + Integer.toHexString(key().hashCode());
        body = multipartBody(target, payload, boundary, file);
        media = "multipart/form-data; boundary=" + boundary;
      }
      case "application/xml" -> body = xmlBody(target, payload);
      default -> { }
    }
    if (body != null) {
      headers.put("Content-Type", List.of(media));
    }
    return new ScanRequest(method, URI.create(uri), headers, body);
  }

  private byte[] jsonBody(Parameter target, String payload) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (Parameter p : parameters(ParameterLocation.JSON_BODY)) {
      String v = valueOf(p, target, payload);
      JsonNode value = typedJson(p, v, isTarget(p, target));
      put(root, p.name().split("\\."), 0, value);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode typedJson(Parameter p, String v, boolean injected) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (!injected) {
      try {
        switch (p.type()) {
          case "integer": return f.numberNode(Long.parseLong(v));
          case "number": return f.numberNode(new java.math.BigDecimal(v));
          case "boolean": if (v.equals("true") || v.equals("false")) { return f.booleanNode(Boolean.parseBoolean(v)); } break;
          default: break;
        }
      } catch (NumberFormatException e) {
        return f.textNode(v);
      }
    }
    return f.textNode(v);
  }

  private static void put(JsonNode node, String[] path, int i, JsonNode value) {
    String key = path[i];
    boolean last = i == path.length - 1;
    boolean nextIsIndex = !last && path[i + 1].matches("\\d+");
    if (node instanceof ObjectNode obj) {
      if (last) {
        obj.set(key, value);
      } else {
        JsonNode child = obj.get(key);
        if (child == null) {
          child = nextIsIndex ? obj.putArray(key) : obj.putObject(key);
        }
        put(child, path, i + 1, value);
      }
    } else if (node instanceof ArrayNode arr) {
      int index = Integer.parseInt(key);
      while (arr.size() <= index) {
        arr.addNull();
      }
      if (last) {
        arr.set(index, value);
      } else {
        JsonNode child = arr.get(index);
        if (child == null || child.isNull()) {
          child = nextIsIndex ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
          arr.set(index, child);
        }
        put(child, path, i + 1, value);
      }
    }
  }

  private byte[] formBody(Parameter target, String payload) {
    StringBuilder sb = new StringBuilder();
    for (Parameter p : parameters(ParameterLocation.FORM_BODY)) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(formEncode(p.name())).append('=').append(formEncode(valueOf(p, target, payload)));
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] multipartBody(Parameter target, String payload, String boundary, FilePart file) {
    StringBuilder sb = new StringBuilder();
    for (Parameter p : parameters(ParameterLocation.MULTIPART_BODY)) {
      sb.append("--").append(boundary).append("\r\n");
      if (p.isFile()) {
        FilePart part = file != null && isTarget(p, target) ? file : FilePart.DEFAULT;
        sb.append("Content-Disposition: form-data; name=\"").append(p.name()).append("\"; filename=\"").append(part.filename().replace("\"", "%22"))
            .append("\"\r\nContent-Type: ").append(part.contentType()).append("\r\n\r\n");
      } else {
        sb.append("Content-Disposition: form-data; name=\"").append(p.name()).append("\"\r\n\r\n");
      }
      sb.append(valueOf(p, target, payload)).append("\r\n");
    }
    sb.append("--").append(boundary).append("--\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] xmlBody(Parameter target, String payload) {
    // Group element paths into a tree: "order/item" and "order/qty" → <order><item/><qty/></order>.
    Map<String, Object> tree = new LinkedHashMap<>();
    for (Parameter p : parameters(ParameterLocation.XML_BODY)) {
      String[] parts = p.name().split("/");
      Map<String, Object> node = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        node = child;
      }
      node.put(parts[parts.length - 1], xmlEscape(valueOf(p, target, payload)));
    }
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if (tree.size() != 1) {
      Map<String, Object> wrapped = new LinkedHashMap<>();
      wrapped.put("request", tree);
      tree = wrapped;
    }
    writeXml(sb, tree);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static void writeXml(StringBuilder sb, Map<String, Object> node) {
    node.forEach((name, value) -> {
      sb.append('<').append(name).append('>');
      if (value instanceof Map<?, ?> m) {
        writeXml(sb, (Map<String, Object>) m);
      } else {
        sb.append(value);
      }
      sb.append("</").append(name).append('>');
    });
  }

  static String xmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String encodePathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
