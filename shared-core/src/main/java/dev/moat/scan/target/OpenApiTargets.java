package dev.moat.scan.target;

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
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an OpenAPI 3.x or Swagger 2.0 document into the endpoints to scan (swagger-parser reads both and
 * resolves {@code $ref}s): every operation with its path, query, header and cookie parameters and its body
 * fields (JSON, form, multipart, XML), each with the spec's example, default or first enum value, else a value
 * derived from its schema. Requests go to the document's first server, resolved against the target URL; the
 * target's origin always wins, so a spec naming a production host never sends the scan there.
 */
public final class OpenApiTargets {

  /** Nested JSON objects are flattened to dotted names this deep at most. */
  private static final int MAX_DEPTH = 4;

  private OpenApiTargets() {}

  /**
   * @param document the document's text (JSON or YAML)
   * @param source what to name in messages (a file or URL)
   * @param target the scan's target URL: its origin replaces the servers' origins
   */
  public static List<Endpoint> endpoints(String document, String source, URI target) throws MoatException {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    SwaggerParseResult result;
    try {
      result = new OpenAPIParser().readContents(document, null, options);
    } catch (RuntimeException e) {
      throw invalid(source, String.valueOf(e.getMessage()));
    }
    OpenAPI api = result == null ? null : result.getOpenAPI();
    if (api == null || api.getPaths() == null) {
      List<String> messages = result == null || result.getMessages() == null ? List.of() : result.getMessages();
      throw invalid(source, messages.isEmpty() ? "no paths" : String.join("; ", messages.subList(0, Math.min(3, messages.size()))));
    }
    URI server = server(api, target);
    List<Endpoint> endpoints = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      PathItem item = path.getValue();
      for (Map.Entry<PathItem.HttpMethod, Operation> op : item.readOperationsMap().entrySet()) {
        endpoints.add(endpoint(server, path.getKey(), item, op.getKey().name(), op.getValue()));
      }
    }
    return endpoints;
  }

  private static MoatException invalid(String source, String why) {
    return new MoatException(Failure.INVALID_INPUT, "the OpenAPI document " + source + " cannot be read: " + why,
        "give an OpenAPI 3.x or Swagger 2.0 document in JSON or YAML");
  }

  /** The first server's path under the target's origin ({@code servers: [{url: https://api.example.com/v1}]} → target + /v1). */
  static URI server(OpenAPI api, URI target) {
    String origin = target.getScheme() + "://" + target.getRawAuthority();
    List<Server> servers = api.getServers();
    String url = servers == null || servers.isEmpty() || servers.get(0).getUrl() == null ? "/" : servers.get(0).getUrl();
    if (servers != null && !servers.isEmpty() && servers.get(0).getVariables() != null) {
      for (var v : servers.get(0).getVariables().entrySet()) {
        url = url.replace("{" + v.getKey() + "}", v.getValue().getDefault() == null ? "" : v.getValue().getDefault());
      }
    }
    String path;
    try {
      URI u = URI.create(url.trim());
      path = u.isAbsolute() ? u.getRawPath() : url.startsWith("/") ? u.getRawPath() : target.resolve(u).getRawPath();
    } catch (IllegalArgumentException e) {
      path = "/";
    }
    if (path == null || path.isEmpty() || path.equals("/")) {
      String targetPath = target.getRawPath() == null ? "" : target.getRawPath();
      path = targetPath.endsWith("/") ? targetPath.substring(0, targetPath.length() - 1) : targetPath;
    } else if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(origin + path);
  }

  private static Endpoint endpoint(URI server, String path, PathItem item, String method, Operation op) {
    List<Parameter> parameters = new ArrayList<>();
    List<io.swagger.v3.oas.models.parameters.Parameter> declared = new ArrayList<>();
    if (item.getParameters() != null) {
      declared.addAll(item.getParameters());
    }
    if (op.getParameters() != null) {
      for (var p : op.getParameters()) {
        declared.removeIf(d -> d.getName().equals(p.getName()) && String.valueOf(d.getIn()).equals(String.valueOf(p.getIn())));
        declared.add(p);
      }
    }
    for (var p : declared) {
      ParameterLocation location = switch (String.valueOf(p.getIn()).toLowerCase(Locale.ROOT)) {
        case "path" -> ParameterLocation.PATH;
        case "header" -> ParameterLocation.HEADER;
        case "cookie" -> ParameterLocation.COOKIE;
        default -> ParameterLocation.QUERY;
      };
      Object example = p.getExample() != null ? p.getExample()
          : p.getExamples() != null && !p.getExamples().isEmpty() ? p.getExamples().values().iterator().next().getValue() : null;
      parameters.add(new Parameter(p.getName(), location, example != null ? String.valueOf(example) : SchemaValues.value(p.getName(), p.getSchema()),
          SchemaValues.type(p.getName(), p.getSchema()), Boolean.TRUE.equals(p.getRequired())));
    }
    if (op.getRequestBody() != null) {
      body(op.getRequestBody().getContent(), parameters);
    }
    return new Endpoint(method, server, path, parameters, op.getOperationId(), "openapi");
  }

  /** The body's fields, from the first media type Moat can encode (JSON first). */
  private static void body(Content content, List<Parameter> parameters) {
    if (content == null) {
      return;
    }
    for (String wanted : List.of("json", "x-www-form-urlencoded", "multipart/form-data", "xml")) {
      for (Map.Entry<String, MediaType> media : content.entrySet()) {
        String type = media.getKey().toLowerCase(Locale.ROOT);
        if (!type.contains(wanted)) {
          continue;
        }
        ParameterLocation location = wanted.equals("json") ? ParameterLocation.JSON_BODY
            : wanted.equals("xml") ? ParameterLocation.XML_BODY
            : wanted.startsWith("multipart") ? ParameterLocation.MULTIPART_BODY : ParameterLocation.FORM_BODY;
        Schema<?> schema = media.getValue().getSchema();
        String root = location == ParameterLocation.XML_BODY ? xmlRoot(schema) : "";
        fields(schema, root, location, parameters, 0);
        if (parameters.stream().noneMatch(p -> p.location() == location) && location == ParameterLocation.JSON_BODY) {
          parameters.add(new Parameter("value", location, SchemaValues.value("value", schema), "string", true));
        }
        return;
      }
    }
  }

  private static String xmlRoot(Schema<?> schema) {
    if (schema != null && schema.getXml() != null && schema.getXml().getName() != null) {
      return schema.getXml().getName();
    }
    return schema != null && schema.getName() != null ? schema.getName() : "request";
  }

  private static void fields(Schema<?> schema, String prefix, ParameterLocation location, List<Parameter> out, int depth) {
    if (schema == null || schema.getProperties() == null) {
      return;
    }
    for (Map.Entry<String, Schema> property : schema.getProperties().entrySet()) {
      String name = prefix.isEmpty() ? property.getKey() : prefix + (location == ParameterLocation.XML_BODY ? "/" : ".") + property.getKey();
      Schema<?> s = property.getValue();
      boolean nested = s.getProperties() != null && !s.getProperties().isEmpty();
      if (nested && depth < MAX_DEPTH && (location == ParameterLocation.JSON_BODY || location == ParameterLocation.XML_BODY)) {
        fields(s, name, location, out, depth + 1);
      } else if (!nested) {
        boolean required = schema.getRequired() != null && schema.getRequired().contains(property.getKey());
        out.add(new Parameter(name, location, SchemaValues.value(property.getKey(), s), SchemaValues.type(property.getKey(), s), required));
      }
    }
  }
}
