package dev.moat.scan.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML) into an {@link OpenApiTarget}: one endpoint per
 * operation with its path, query, header and cookie parameters and its request body (JSON, form, multipart
 * or XML, in that order of preference when several are offered), values taken from the document's examples
 * or derived from the schemas, and the server URL resolved. Parsing is swagger-parser's; internal
 * {@code $ref}s are resolved, external ones are refused (the scanner fetches nothing the user did not name).
 */
public final class OpenApiTargets {

  /** Largest document read (characters). */
  public static final int MAX_DOCUMENT_CHARS = 20 * 1024 * 1024;
  /** Nesting depth of body schemas turned into parameters; deeper fields are left out. */
  static final int MAX_SCHEMA_DEPTH = 6;
  /** Body fields per operation; a larger schema is cut. */
  static final int MAX_BODY_FIELDS = 200;

  private static final ObjectMapper YAML = yamlReader(MAX_DOCUMENT_CHARS);
  private static final String HINT = "give an OpenAPI 3.x or Swagger 2.0 document in JSON or YAML (bundle external $refs into it)";

  private OpenApiTargets() {
  }

  /**
   * A Jackson reader for untrusted YAML (and JSON): documents over {@code maxChars} code points and alias bombs
   * (more than 50 aliases to collections) are refused by SnakeYAML before anything is expanded. Also used for
   * PoC templates ({@code scan.poc}).
   */
  public static ObjectMapper yamlReader(int maxChars) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(maxChars);
    options.setMaxAliasesForCollections(50);
    return new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
  }

  /**
   * Reads a document from a file. The file's location resolves relative server URLs only when
   * {@code target} is null and the servers are absolute; otherwise {@code target} gives scheme and host.
   *
   * @param file the document
   * @param target the {@code --target} URL that replaces the servers' scheme and host; may be null
   * @throws MoatException INVALID_INPUT when the file is missing, unreadable or not an API document
   */
  public static OpenApiTarget read(Path file, URI target) throws MoatException {
    if (!Files.isRegularFile(file)) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + file + " does not exist or is not a file",
          "give the path of an OpenAPI 3.x or Swagger 2.0 document");
    }
    String text;
    try {
      if (Files.size(file) > MAX_DOCUMENT_CHARS) {
        throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + file + " is larger than " + MAX_DOCUMENT_CHARS + " bytes", HINT);
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MoatException(Failure.INVALID_INPUT, "cannot read OpenAPI document " + file + ": " + e.getMessage(), HINT, e);
    }
    return parse(text, file.toString(), null, target);
  }

  /**
   * Parses a document already fetched.
   *
   * @param text the document (JSON or YAML)
   * @param inputName how errors name it (a file path or URL)
   * @param documentUri where it was fetched from: relative server URLs resolve against it; may be null
   * @param target the {@code --target} URL: replaces the servers' scheme and host (their paths stay), and
   *     resolves relative servers when {@code documentUri} is null; may be null
   * @throws MoatException INVALID_INPUT for a document that is not OpenAPI/Swagger, uses external {@code $ref}s,
   *     or has no absolute server URL to use
   */
  public static OpenApiTarget parse(String text, String inputName, URI documentUri, URI target) throws MoatException {
    if (text == null || text.isBlank()) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is empty", HINT);
    }
    if (text.length() > MAX_DOCUMENT_CHARS) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is larger than " + MAX_DOCUMENT_CHARS + " characters", HINT);
    }
    // swagger-parser gets the document as JSON: YAML alias bombs never reach its YAML reader (which expands them)
    String json = refuseExternalRefs(text, inputName).toString();
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    options.setResolveCombinators(true);
    options.setValidateExternalRefs(false);
    options.setSafelyResolveURL(true);
    SwaggerParseResult result;
    try {
      result = new OpenAPIParser().readContents(json, null, options);
    } catch (RuntimeException | StackOverflowError e) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " cannot be parsed: " + e, HINT);
    }
    OpenAPI api = result == null ? null : result.getOpenAPI();
    if (api == null || (api.getOpenapi() == null && api.getPaths() == null)) {
      List<String> messages = result == null || result.getMessages() == null ? List.of() : result.getMessages();
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is not an OpenAPI 3.x or Swagger 2.0 document"
          + (messages.isEmpty() ? "" : ": " + String.join("; ", messages.subList(0, Math.min(3, messages.size())))), HINT);
    }
    try {
      return convert(api, inputName, documentUri, target);
    } catch (RuntimeException | StackOverflowError e) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " cannot be read: " + e, HINT);
    }
  }

  /** The document as a tree, after checking it names a version and has no external {@code $ref}. */
  private static JsonNode refuseExternalRefs(String text, String inputName) throws MoatException {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (IOException e) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is neither JSON nor YAML: "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), HINT);
    } catch (RuntimeException e) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is neither JSON nor YAML: " + e.getMessage(), HINT);
    }
    if (tree == null || !tree.isObject()) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " is not an object (no openapi or swagger field)", HINT);
    }
    if (!tree.has("openapi") && !tree.has("swagger")) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " has neither an openapi nor a swagger field", HINT);
    }
    List<JsonNode> stack = new ArrayList<>(List.of(tree));
    while (!stack.isEmpty()) {
      JsonNode n = stack.remove(stack.size() - 1);
      if (n.isObject()) {
        JsonNode ref = n.get("$ref");
        if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
          throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " refers to an external document ($ref "
              + ref.asText() + "), which Moat does not fetch", "bundle the document first (for example with redocly bundle) and scan the bundle");
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext();) {
          stack.add(it.next());
        }
      } else if (n.isArray()) {
        n.forEach(stack::add);
      }
    }
    return tree;
  }

  private static OpenApiTarget convert(OpenAPI api, String inputName, URI documentUri, URI target) throws MoatException {
    URI defaultServer = server(api.getServers(), inputName, documentUri, target);
    Map<String, Schema> schemas = api.getComponents() == null || api.getComponents().getSchemas() == null ? Map.of()
        : api.getComponents().getSchemas();
    List<Endpoint> endpoints = new ArrayList<>();
    if (api.getPaths() != null) {
      for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
        PathItem item = e.getValue();
        if (item == null) {
          continue;
        }
        // relative path- and operation-level servers resolve against the document's server
        URI pathServer = item.getServers() == null || item.getServers().isEmpty() ? defaultServer
            : server(item.getServers(), inputName, documentUri != null ? documentUri : defaultServer, target);
        for (Map.Entry<PathItem.HttpMethod, Operation> op : item.readOperationsMap().entrySet()) {
          Operation operation = op.getValue();
          URI opServer = operation.getServers() == null || operation.getServers().isEmpty() ? pathServer
              : server(operation.getServers(), inputName, documentUri != null ? documentUri : pathServer, target);
          endpoints.add(endpoint(op.getKey().name(), e.getKey(), opServer, item, operation, schemas));
        }
      }
    }
    return new OpenApiTarget(api.getInfo() == null ? "" : api.getInfo().getTitle(), api.getInfo() == null ? "" : api.getInfo().getVersion(),
        endpoints, schemes(api));
  }

  private static List<ApiSecurityScheme> schemes(OpenAPI api) {
    Set<String> required = new LinkedHashSet<>();
    if (api.getSecurity() != null) {
      for (SecurityRequirement r : api.getSecurity()) {
        required.addAll(r.keySet());
      }
    }
    List<ApiSecurityScheme> out = new ArrayList<>();
    if (api.getComponents() != null && api.getComponents().getSecuritySchemes() != null) {
      for (Map.Entry<String, SecurityScheme> e : api.getComponents().getSecuritySchemes().entrySet()) {
        SecurityScheme s = e.getValue();
        out.add(new ApiSecurityScheme(e.getKey(), s.getType() == null ? "" : s.getType().toString(), s.getIn() == null ? "" : s.getIn().toString(),
            s.getName(), s.getScheme(), s.getBearerFormat(), required.contains(e.getKey())));
      }
    }
    return out;
  }

  /** The first server's URL with its variables at their defaults, made absolute, host replaced by {@code target}. */
  static URI server(List<Server> servers, String inputName, URI documentUri, URI target) throws MoatException {
    String url = "/";
    if (servers != null && !servers.isEmpty() && servers.get(0).getUrl() != null) {
      Server s = servers.get(0);
      url = s.getUrl();
      if (s.getVariables() != null) {
        for (Map.Entry<String, ServerVariable> v : s.getVariables().entrySet()) {
          ServerVariable var = v.getValue();
          String value = var.getDefault() != null ? var.getDefault()
              : var.getEnum() != null && !var.getEnum().isEmpty() ? var.getEnum().get(0) : "";
          url = url.replace("{" + v.getKey() + "}", value);
        }
      }
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " has a bad server URL " + url, "fix servers[0].url or give --target");
    }
    if (!uri.isAbsolute()) {
      URI base = documentUri != null && documentUri.isAbsolute() && documentUri.getScheme().startsWith("http") ? documentUri : target;
      if (base == null) {
        throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " has the relative server URL '" + url
            + "' and no URL to resolve it against", "give --target with the API's base URL (http://host:port)");
      }
      uri = base.resolve(url.isEmpty() ? "/" : url);
    }
    if (target != null) {
      try {
        uri = new URI(target.getScheme(), target.getRawAuthority(), uri.getRawPath(), null, null);
        uri = URI.create(uri.toString().replace("%25", "%"));
      } catch (URISyntaxException e) {
        throw new MoatException(Failure.INVALID_INPUT, "--target " + target + " cannot replace the host of " + uri, "give --target as http://host:port");
      }
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new MoatException(Failure.INVALID_INPUT, "OpenAPI document " + inputName + " has the server URL " + uri + ", which is not http(s)",
          "give --target with the API's base URL (http://host:port)");
    }
    String s = uri.toString().replaceFirst("[?#].*$", "");
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private static Endpoint endpoint(String method, String path, URI server, PathItem item, Operation operation, Map<String, Schema> schemas) {
    Map<String, io.swagger.v3.oas.models.parameters.Parameter> declared = new LinkedHashMap<>();
    for (List<io.swagger.v3.oas.models.parameters.Parameter> list : java.util.Arrays.asList(item.getParameters(), operation.getParameters())) {
      if (list != null) {
        for (io.swagger.v3.oas.models.parameters.Parameter p : list) {
          if (p != null && p.getName() != null && p.getIn() != null) {
            declared.put(p.getIn() + ":" + p.getName(), p); // operation-level overrides path-level
          }
        }
      }
    }
    List<Parameter> params = new ArrayList<>();
    for (io.swagger.v3.oas.models.parameters.Parameter p : declared.values()) {
      ParameterLocation location = switch (p.getIn().toLowerCase(Locale.ROOT)) {
        case "path" -> ParameterLocation.PATH;
        case "query" -> ParameterLocation.QUERY;
        case "header" -> ParameterLocation.HEADER;
        case "cookie" -> ParameterLocation.COOKIE;
        default -> null;
      };
      if (location == null) {
        continue;
      }
      Schema<?> schema = p.getSchema();
      if (schema == null && p.getContent() != null && !p.getContent().isEmpty()) {
        schema = p.getContent().values().iterator().next().getSchema();
      }
      String value = SchemaValues.value(p.getName(), p.getExample(), p.getExamples(), schema);
      params.add(new Parameter(p.getName(), location, value, typeOf(p.getName(), schema, value),
          location == ParameterLocation.PATH || Boolean.TRUE.equals(p.getRequired())));
    }
    if (operation.getRequestBody() != null) {
      params.addAll(body(operation.getRequestBody().getContent(), Boolean.TRUE.equals(operation.getRequestBody().getRequired()), schemas));
    }
    return new Endpoint(method, server, path, params, operation.getOperationId(), "openapi");
  }

  private static String typeOf(String name, Schema<?> schema, String value) {
    String type = SchemaValues.parameterType(name, schema);
    return type.equals("string") && (value.startsWith("http://") || value.startsWith("https://")) ? "url" : type;
  }

  private static List<Parameter> body(Content content, boolean required, Map<String, Schema> schemas) {
    if (content == null || content.isEmpty()) {
      return List.of();
    }
    String[][] preference = {{"json", "JSON"}, {"application/x-www-form-urlencoded", "FORM"}, {"multipart/form-data", "MULTIPART"},
        {"xml", "XML"}};
    for (String[] pref : preference) {
      for (Map.Entry<String, MediaType> e : content.entrySet()) {
        String media = e.getKey().toLowerCase(Locale.ROOT);
        boolean match = pref[0].equals("json") ? media.contains("json") || media.equals("*/*")
            : pref[0].equals("xml") ? media.endsWith("/xml") || media.endsWith("+xml") : media.startsWith(pref[0]);
        if (match && e.getValue() != null) {
          ParameterLocation location = ParameterLocation.valueOf(pref[1].equals("JSON") ? "JSON_BODY" : pref[1].equals("FORM") ? "FORM_BODY"
              : pref[1].equals("MULTIPART") ? "MULTIPART_BODY" : "XML_BODY");
          return bodyFields(e.getValue(), location, required, schemas);
        }
      }
    }
    return List.of();
  }

  private static List<Parameter> bodyFields(MediaType media, ParameterLocation location, boolean required, Map<String, Schema> schemas) {
    Schema<?> schema = deref(media.getSchema(), schemas);
    JsonNode example = SchemaValues.tree(media.getExample());
    if (example == null && media.getExamples() != null) {
      for (io.swagger.v3.oas.models.examples.Example ex : media.getExamples().values()) {
        if (ex != null && ex.getValue() != null) {
          example = SchemaValues.tree(ex.getValue());
          break;
        }
      }
    }
    if (example == null && schema != null) {
      example = SchemaValues.tree(schema.getExample());
    }
    List<Parameter> out = new ArrayList<>();
    String separator = location == ParameterLocation.XML_BODY ? "/" : ".";
    String root = "";
    if (location == ParameterLocation.XML_BODY) {
      root = schema != null && schema.getXml() != null && schema.getXml().getName() != null ? schema.getXml().getName() : "request";
    }
    if (schema != null && SchemaValues.type(schema).equals("array") && schema.getItems() != null) {
      schema = deref(schema.getItems(), schemas); // a root array: its item's fields (the engine's bodies are objects)
      example = example != null && example.isArray() && example.size() > 0 ? example.get(0) : null;
    }
    if (schema == null && example != null && example.isObject()) {
      fieldsFromExample(example, "", separator, location, out);
    } else {
      flatten(schema, root, separator, location, required, example, 0, schemas, out);
    }
    return out;
  }

  /** A schema the resolver left as a {@code $ref} (recursive schemas are), looked up in the components. */
  private static Schema<?> deref(Schema<?> schema, Map<String, Schema> schemas) {
    for (int hops = 0; schema != null && schema.get$ref() != null && hops < 10; hops++) {
      String ref = schema.get$ref();
      Schema<?> next = schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
      if (next == null) {
        return schema;
      }
      schema = next;
    }
    return schema;
  }

  private static void fieldsFromExample(JsonNode node, String prefix, String separator, ParameterLocation location, List<Parameter> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && out.size() < MAX_BODY_FIELDS;) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = prefix.isEmpty() ? f.getKey() : prefix + separator + f.getKey();
      if (f.getValue().isObject()) {
        fieldsFromExample(f.getValue(), name, separator, location, out);
      } else {
        JsonNode v = f.getValue();
        String type = v.isIntegralNumber() ? "integer" : v.isNumber() ? "number" : v.isBoolean() ? "boolean" : "string";
        out.add(new Parameter(name, location, SchemaValues.text(v), type, false));
      }
    }
  }

  private static void flatten(Schema<?> schema, String name, String separator, ParameterLocation location, boolean required, JsonNode example,
      int depth, Map<String, Schema> schemas, List<Parameter> out) {
    if (out.size() >= MAX_BODY_FIELDS || depth > MAX_SCHEMA_DEPTH) {
      return;
    }
    schema = deref(schema, schemas);
    String type = SchemaValues.type(schema);
    if (type.equals("object") && schema != null && schema.getProperties() != null && !schema.getProperties().isEmpty()
        && (depth == 0 || location == ParameterLocation.JSON_BODY || location == ParameterLocation.XML_BODY)) {
      List<String> requiredFields = schema.getRequired() == null ? List.of() : schema.getRequired();
      for (Map.Entry<String, Schema> p : schema.getProperties().entrySet()) {
        @SuppressWarnings("unchecked")
        Schema<?> child = p.getValue();
        if (child != null && Boolean.TRUE.equals(child.getReadOnly())) {
          continue;
        }
        String childName = name.isEmpty() ? p.getKey() : name + separator + p.getKey();
        JsonNode childExample = example != null && example.isObject() ? example.get(p.getKey()) : null;
        flatten(child, childName, separator, location, requiredFields.contains(p.getKey()), childExample, depth + 1, schemas, out);
      }
      return;
    }
    if (type.equals("array") && schema != null && schema.getItems() != null && location == ParameterLocation.JSON_BODY
        && SchemaValues.type(deref(schema.getItems(), schemas)).equals("object")) {
      JsonNode first = example != null && example.isArray() && example.size() > 0 ? example.get(0) : null;
      flatten(schema.getItems(), name + separator + "0", separator, location, required, first, depth + 1, schemas, out);
      return;
    }
    if (name.isEmpty()) {
      return; // a scalar root body has no field to name
    }
    if (type.equals("array") && location == ParameterLocation.JSON_BODY) {
      name = name + separator + "0";
    }
    String leaf = name.substring(name.lastIndexOf(separator) + 1);
    String value = example != null && !example.isNull() && !example.isMissingNode()
        ? (example.isArray() && example.size() > 0 ? SchemaValues.text(example.get(0)) : SchemaValues.text(example))
        : SchemaValues.value(leaf, null, null, schema);
    String paramType = typeOf(leaf, schema, value == null ? "" : value);
    if (paramType.equals("file") && location != ParameterLocation.MULTIPART_BODY) {
      paramType = "string";
    }
    out.add(new Parameter(name, location, value, paramType, required));
  }
}
