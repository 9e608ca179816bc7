package dev.moat.scan.poc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Severity;
import dev.moat.scan.target.OpenApiTargets;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads one template of the supported Nuclei subset and refuses the rest, naming the file and the field: other
 * protocols, {@code flow}, template {@code variables}, payloads and fuzzing, {@code unsafe} raw requests, DSL,
 * binary, XPath and JSON matchers or extractors, expressions other than the {@link PocVariables}, and methods that
 * could change the target (anything but GET, HEAD, OPTIONS and POST). The YAML is read by the scanner's guarded
 * reader (no alias bombs, bounded size).
 */
final class PocTemplateParser {

  /** Most HTTP requests one template may send (paths plus raw requests over all its blocks). */
  static final int MAX_REQUESTS = 20;
  static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "POST");

  private static final ObjectMapper YAML = OpenApiTargets.yamlReader((int) PocTemplates.MAX_FILE_BYTES);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*");
  private static final Set<String> OTHER_PROTOCOLS = Set.of("dns", "tcp", "network", "headless", "code", "file", "javascript", "ssl",
      "websocket", "whois", "workflows");
  private static final Set<String> REQUEST_FIELDS = Set.of("method", "path", "headers", "body", "raw", "matchers", "matchers-condition",
      "extractors", "stop-at-first-match", "redirects", "host-redirects", "max-redirects", "name", "id", "cookie-reuse", "unsafe");
  private static final Set<String> MATCHER_FIELDS = Set.of("type", "part", "condition", "negative", "case-insensitive", "words", "regex",
      "status", "size", "name");
  private static final Set<String> EXTRACTOR_FIELDS = Set.of("type", "part", "regex", "group", "kval", "name", "internal", "case-insensitive");
  private static final String HINT = "Moat reads a subset of the Nuclei template format (docs/scan.md, section poc); remove or rewrite the field";
  private static final URI CHECK_BASE = URI.create("http://127.0.0.1:1/base");

  private final String source;

  private PocTemplateParser(String source) {
    this.source = source;
  }

  /**
   * Parses one template.
   *
   * @param text the file's content
   * @param source how errors name it (the file's path)
   * @throws MoatException INVALID_INPUT naming the file and the field
   */
  static PocTemplate parse(String text, String source) throws MoatException {
    return new PocTemplateParser(source).template(text);
  }

  private PocTemplate template(String text) throws MoatException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MoatException(Failure.INVALID_INPUT, "PoC template " + source + " is not YAML: " + e.getOriginalMessage(), HINT);
    } catch (IOException | RuntimeException e) {
      throw new MoatException(Failure.INVALID_INPUT, "PoC template " + source + " is not YAML: " + e.getMessage(), HINT);
    }
    if (root == null || !root.isObject()) {
      throw new MoatException(Failure.INVALID_INPUT, "PoC template " + source + " is not a YAML mapping", HINT);
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
      String field = it.next();
      if (OTHER_PROTOCOLS.contains(field)) {
        throw bad(field, "is a " + field + " protocol block: only http templates are supported");
      } else if (field.equals("flow")) {
        throw bad(field, "(JavaScript control flow between requests) is not supported");
      } else if (field.equals("variables") || field.equals("constants")) {
        throw bad(field, "(template variables) are not supported: only the built-in {{BaseURL}}-style variables and {{randstr}}");
      } else if (!Set.of("id", "info", "http", "requests").contains(field)) {
        throw bad(field, "is not part of the supported subset");
      }
    }
    String id = text(root, "id", true);
    if (!ID.matcher(id).matches() || id.length() > 100) {
      throw bad("id", "is '" + id + "': use letters, digits and single -, _ or . between them (at most 100 characters)");
    }
    PocInfo info = info(root.get("info"));
    if (root.has("http") && root.has("requests")) {
      throw bad("requests", "is given with http: use one of them");
    }
    String blockName = root.has("http") ? "http" : "requests";
    JsonNode blocks = root.get(blockName);
    if (blocks == null || !blocks.isArray() || blocks.isEmpty()) {
      throw bad("http", "is missing or not a list of requests");
    }
    List<PocRequest> requests = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      requests.add(request(blocks.get(i), blockName + "[" + i + "]"));
    }
    PocTemplate template = new PocTemplate(id, source, info, requests);
    if (template.exchanges() > MAX_REQUESTS) {
      throw bad(blockName, "sends " + template.exchanges() + " requests: at most " + MAX_REQUESTS + " per template");
    }
    return template;
  }

  private PocInfo info(JsonNode info) throws MoatException {
    if (info == null || !info.isObject()) {
      throw bad("info", "is missing or not a mapping");
    }
    String severityText = text(info, "severity", true, "info.severity");
    Severity severity = Severity.parse(severityText);
    if (severity == null) {
      throw bad("info.severity", "is '" + severityText + "': give critical, high, medium, low or info");
    }
    JsonNode classification = info.path("classification");
    return new PocInfo(text(info, "name", true, "info.name"), String.join(", ", list(info, "author", "info.author")), severity,
        text(info, "description", false, "info.description"), list(info, "reference", "info.reference"), list(info, "tags", "info.tags"),
        list(classification, "cve-id", "info.classification.cve-id"), list(classification, "cwe-id", "info.classification.cwe-id"),
        text(info, "remediation", false, "info.remediation"));
  }

  private PocRequest request(JsonNode node, String at) throws MoatException {
    if (node == null || !node.isObject()) {
      throw bad(at, "is not a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String field = it.next();
      if (field.equals("payloads") || field.equals("attack") || field.equals("fuzzing")) {
        throw bad(at + "." + field, "(payload fuzzing) is not supported: a template sends fixed requests");
      } else if (!REQUEST_FIELDS.contains(field)) {
        throw bad(at + "." + field, "is not part of the supported subset");
      }
    }
    if (node.path("unsafe").asBoolean(false)) {
      throw bad(at + ".unsafe", "is true: unsafe (non-RFC) raw requests are not sent");
    }
    boolean hasPath = node.has("path");
    boolean hasRaw = node.has("raw");
    if (hasPath == hasRaw) {
      throw bad(at, hasPath ? "has both path and raw: give one" : "has neither path nor raw");
    }
    List<String> paths = new ArrayList<>();
    List<RawRequest> raws = new ArrayList<>();
    Map<String, String> headers = new LinkedHashMap<>();
    String method = "GET";
    String body = "";
    if (hasPath) {
      method = text(node, "method", false, at + ".method").toUpperCase(Locale.ROOT);
      method = method.isEmpty() ? "GET" : method;
      allowed(method, at + ".method");
      List<String> given = list(node, "path", at + ".path");
      for (int i = 0; i < given.size(); i++) {
        String path = given.get(i).trim();
        String field = at + ".path[" + i + "]";
        if (!path.startsWith("{{BaseURL}}") && !path.startsWith("{{RootURL}}")) {
          throw bad(field, "is '" + path + "': a path must start with {{BaseURL}} or {{RootURL}} (requests stay on the target)");
        }
        variables(path, field);
        paths.add(path);
      }
      JsonNode h = node.path("headers");
      if (!h.isMissingNode() && !h.isObject()) {
        throw bad(at + ".headers", "is not a mapping of header names to values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = at + ".headers." + e.getKey();
        if (!e.getValue().isValueNode()) {
          throw bad(field, "is not a single value");
        }
        variables(e.getKey() + e.getValue().asText(), field);
        headers.put(e.getKey(), e.getValue().asText());
      }
      body = text(node, "body", false, at + ".body");
      variables(body, at + ".body");
    } else {
      List<String> given = list(node, "raw", at + ".raw");
      for (int i = 0; i < given.size(); i++) {
        String field = at + ".raw[" + i + "]";
        RawRequest raw;
        try {
          raw = RawRequest.parse(given.get(i));
        } catch (IllegalArgumentException e) {
          throw bad(field, "is not a raw HTTP request: " + e.getMessage());
        }
        allowed(raw.method(), field + " (method)");
        for (String t : raw.texts()) {
          variables(t, field);
        }
        try {
          raw.toScanRequest(PocVariables.of(CHECK_BASE, () -> "moatcheck000000"));
        } catch (IllegalArgumentException e) {
          throw bad(field, "does not give a valid URL: " + e.getMessage());
        }
        raws.add(raw);
      }
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase("host")) {
        throw bad(at + ".headers." + e.getKey(), "would send the request elsewhere: the Host is always the target's");
      }
    }
    if (paths.isEmpty() && raws.isEmpty()) {
      throw bad(at + (hasPath ? ".path" : ".raw"), "is empty");
    }
    List<PocMatcher> matchers = new ArrayList<>();
    JsonNode ms = node.path("matchers");
    for (int i = 0; i < ms.size(); i++) {
      matchers.add(matcher(ms.get(i), at + ".matchers[" + i + "]"));
    }
    List<PocExtractor> extractors = new ArrayList<>();
    JsonNode es = node.path("extractors");
    for (int i = 0; i < es.size(); i++) {
      extractors.add(extractor(es.get(i), at + ".extractors[" + i + "]"));
    }
    if (matchers.isEmpty() && extractors.isEmpty()) {
      throw bad(at + ".matchers", "is missing: a request needs matchers or extractors");
    }
    int maxRedirects = node.path("max-redirects").asInt(10);
    if (maxRedirects < 0) {
      throw bad(at + ".max-redirects", "is negative");
    }
    boolean redirects = node.path("redirects").asBoolean(false) || node.path("host-redirects").asBoolean(false);
    PocRequest request = new PocRequest(method, paths, headers, body, raws, and(node, "matchers-condition", at), matchers, extractors,
        node.path("stop-at-first-match").asBoolean(false), redirects, Math.min(maxRedirects, 10));
    for (String path : paths) {
      try {
        request.build(PocVariables.of(CHECK_BASE, () -> "moatcheck000000"));
      } catch (IllegalArgumentException e) {
        throw bad(at + ".path", "'" + path + "' does not give a valid URL: " + e.getMessage());
      }
    }
    return request;
  }

  private PocMatcher matcher(JsonNode node, String at) throws MoatException {
    PocMatcher.Type type = type(node, at, PocMatcher.Type.class);
    String typeText = type.name().toLowerCase(Locale.ROOT);
    fields(node, at, MATCHER_FIELDS);
    List<String> values = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    switch (type) {
      case WORD -> values.addAll(list(node, "words", at + ".words"));
      case REGEX -> values.addAll(regexes(node, "regex", at + ".regex"));
      case STATUS, SIZE -> {
        String key = type == PocMatcher.Type.STATUS ? "status" : "size";
        JsonNode n = node.path(key);
        for (JsonNode v : n.isArray() ? n : List.of(n)) {
          if (!v.canConvertToInt()) {
            throw bad(at + "." + key, "is not a list of numbers");
          }
          numbers.add(v.asInt());
        }
      }
    }
    if (values.isEmpty() && numbers.isEmpty()) {
      throw bad(at, "has no " + typeText + " values");
    }
    for (int i = 0; i < values.size(); i++) {
      variables(values.get(i), at + "." + (type == PocMatcher.Type.WORD ? "words" : "regex") + "[" + i + "]");
    }
    return new PocMatcher(type, part(node, at), and(node, "condition", at), node.path("negative").asBoolean(false),
        node.path("case-insensitive").asBoolean(false), values, numbers, text(node, "name", false, at + ".name"));
  }

  private PocExtractor extractor(JsonNode node, String at) throws MoatException {
    PocExtractor.Type type = type(node, at, PocExtractor.Type.class);
    fields(node, at, EXTRACTOR_FIELDS);
    if (node.path("internal").asBoolean(false)) {
      throw bad(at + ".internal", "is true: values are not passed between requests; drop internal to report them");
    }
    List<String> values = type == PocExtractor.Type.REGEX ? regexes(node, "regex", at + ".regex") : list(node, "kval", at + ".kval");
    if (values.isEmpty()) {
      throw bad(at, "has no " + (type == PocExtractor.Type.REGEX ? "regex" : "kval") + " values");
    }
    for (String v : values) {
      variables(v, at);
    }
    int group = node.path("group").asInt(0);
    if (group < 0) {
      throw bad(at + ".group", "is negative");
    }
    return new PocExtractor(type, part(node, at), values, group, text(node, "name", false, at + ".name"));
  }

  /** The block's {@code type}, one of the enum's constants in lower case; {@code dsl} and the rest refused. */
  private <T extends Enum<T>> T type(JsonNode node, String at, Class<T> kind) throws MoatException {
    if (node == null || !node.isObject()) {
      throw bad(at, "is not a mapping");
    }
    String text = text(node, "type", true, at + ".type");
    List<String> names = new ArrayList<>();
    for (T constant : kind.getEnumConstants()) {
      String name = constant.name().toLowerCase(Locale.ROOT);
      if (name.equals(text)) {
        return constant;
      }
      names.add(name);
    }
    throw bad(at + ".type", "is '" + text + "'" + (text.equals("dsl") ? " (DSL expressions are not evaluated)" : "") + ": give "
        + String.join(", ", names));
  }

  /** True for {@code and}, false for {@code or} or nothing. */
  private boolean and(JsonNode node, String key, String at) throws MoatException {
    String condition = text(node, key, false, at + "." + key);
    if (!condition.isEmpty() && !condition.equals("and") && !condition.equals("or")) {
      throw bad(at + "." + key, "is '" + condition + "': give and or or");
    }
    return condition.equals("and");
  }

  private ResponsePart part(JsonNode node, String at) throws MoatException {
    String text = text(node, "part", false, at + ".part");
    ResponsePart part = text.isEmpty() ? ResponsePart.BODY : ResponsePart.parse(text);
    if (part == null) {
      throw bad(at + ".part", "is '" + text + "': give body, header or all");
    }
    return part;
  }

  private List<String> regexes(JsonNode node, String key, String at) throws MoatException {
    List<String> values = list(node, key, at);
    for (int i = 0; i < values.size(); i++) {
      try {
        Pattern.compile(PocVariables.of(CHECK_BASE, () -> "moatcheck000000").resolve(values.get(i)));
      } catch (PatternSyntaxException e) {
        throw bad(at + "[" + i + "]", "is not a regular expression: " + e.getDescription());
      }
    }
    return values;
  }

  private void fields(JsonNode node, String at, Set<String> allowed) throws MoatException {
    if (node == null || !node.isObject()) {
      throw bad(at, "is not a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw bad(at + "." + field, "is not part of the supported subset");
      }
    }
  }

  private void allowed(String method, String field) throws MoatException {
    if (!METHODS.contains(method)) {
      throw new MoatException(Failure.INVALID_INPUT, "PoC template " + source + ": field '" + field + "' is " + method
          + ": PoC templates must not change the target", "use GET, HEAD, OPTIONS or POST (a POST only to probe, never to write)");
    }
  }

  private void variables(String text, String field) throws MoatException {
    String expression = PocVariables.unsupported(text);
    if (expression != null) {
      throw bad(field, "uses " + expression + ": only {{BaseURL}}, {{RootURL}}, {{Hostname}}, {{Host}}, {{Port}}, {{Path}}, {{File}}, "
          + "{{Scheme}} and {{randstr}} are supported (no DSL functions, payloads or extracted values)");
    }
  }

  private String text(JsonNode node, String key, boolean required) throws MoatException {
    return text(node, key, required, key);
  }

  private String text(JsonNode node, String key, boolean required, String field) throws MoatException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw bad(field, "is missing");
      }
      return "";
    }
    if (!v.isValueNode()) {
      throw bad(field, "is not a single value");
    }
    String text = v.asText().trim();
    if (required && text.isEmpty()) {
      throw bad(field, "is empty");
    }
    return key.equals("body") || key.equals("description") ? v.asText() : text;
  }

  /** A value that may be one string, a comma-separated string (tags, author) or a list of strings. */
  private List<String> list(JsonNode node, String key, String field) throws MoatException {
    JsonNode v = node.get(key);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isValueNode()) {
      if (key.equals("tags") || key.equals("author")) {
        for (String s : v.asText().split(",")) {
          if (!s.isBlank()) {
            out.add(s.trim());
          }
        }
      } else {
        out.add(v.asText());
      }
      return out;
    }
    if (!v.isArray()) {
      throw bad(field, "is not a list");
    }
    for (JsonNode e : v) {
      if (!e.isValueNode()) {
        throw bad(field, "is not a list of strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  private MoatException bad(String field, String problem) {
    return new MoatException(Failure.INVALID_INPUT, "PoC template " + source + ": field '" + field + "' " + problem, HINT);
  }
}
