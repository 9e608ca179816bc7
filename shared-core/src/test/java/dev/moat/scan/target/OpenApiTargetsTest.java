package dev.moat.scan.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAPI 3 and Swagger 2.0 documents become endpoints with every parameter location and body encoding. */
class OpenApiTargetsTest {

  private static final URI TARGET = URI.create("http://127.0.0.1:9999");

  private static final String OPENAPI3 = """
      openapi: 3.0.3
      info: {title: shop, version: "1"}
      servers: [{url: "https://prod.example.com/{base}", variables: {base: {default: api/v2}}}]
      paths:
        /items/{id}:
          parameters:
            - {name: id, in: path, required: true, schema: {type: integer, minimum: 7}}
          get:
            operationId: getItem
            parameters:
              - {name: fields, in: query, schema: {type: string, enum: [name, price]}}
              - {name: X-Trace, in: header, schema: {type: string, format: uuid}}
              - {name: session, in: cookie, example: abc}
        /orders:
          post:
            requestBody:
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Order'}
        /upload:
          post:
            requestBody:
              content:
                multipart/form-data:
                  schema: {type: object, properties: {file: {type: string, format: binary}, note: {type: string}}}
        /login:
          post:
            requestBody:
              content:
                application/x-www-form-urlencoded:
                  schema: {type: object, properties: {user: {type: string}, password: {type: string}}}
        /import:
          post:
            requestBody:
              content:
                application/xml:
                  schema: {type: object, xml: {name: order}, properties: {sku: {type: string, example: A-1}}}
      components:
        schemas:
          Order:
            type: object
            required: [sku]
            properties:
              sku: {type: string, example: SKU-42}
              callback: {type: string, format: uri}
              customer: {type: object, properties: {email: {type: string, format: email}}}
      """;

  private static final String SWAGGER2 = """
      {"swagger": "2.0", "info": {"title": "legacy", "version": "1"}, "basePath": "/v1",
       "paths": {"/search": {"get": {"parameters": [{"name": "q", "in": "query", "type": "string", "default": "shoes"}]}},
                 "/pets": {"post": {"consumes": ["application/json"], "parameters": [{"name": "body", "in": "body",
                   "schema": {"$ref": "#/definitions/Pet"}}]}}},
       "definitions": {"Pet": {"type": "object", "properties": {"name": {"type": "string", "example": "rex"}}}}}
      """;

  private static Endpoint find(List<Endpoint> endpoints, String method, String path) {
    return endpoints.stream().filter(e -> e.method().equals(method) && e.pathTemplate().equals(path)).findFirst().orElseThrow();
  }

  private static Parameter param(Endpoint e, String name) {
    return e.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void openApi3EveryLocationAndBodyWithTheServerPathUnderTheTargetsOrigin() throws Exception {
    List<Endpoint> endpoints = OpenApiTargets.endpoints(OPENAPI3, "shop.yaml", TARGET);
    assertThat(endpoints).hasSize(5);
    Endpoint item = find(endpoints, "GET", "/items/{id}");
    assertThat(item.server()).isEqualTo(URI.create("http://127.0.0.1:9999/api/v2"));
    assertThat(item.operationId()).isEqualTo("getItem");
    assertThat(param(item, "id").location()).isEqualTo(ParameterLocation.PATH);
    assertThat(param(item, "id").value()).isEqualTo("7");
    assertThat(param(item, "fields").value()).isEqualTo("name");
    assertThat(param(item, "X-Trace").location()).isEqualTo(ParameterLocation.HEADER);
    assertThat(param(item, "session").location()).isEqualTo(ParameterLocation.COOKIE);
    assertThat(param(item, "session").value()).isEqualTo("abc");
    assertThat(item.baseline().uri().toString()).isEqualTo("http://127.0.0.1:9999/api/v2/items/7?fields=name");

    Endpoint order = find(endpoints, "POST", "/orders");
    assertThat(param(order, "sku").value()).isEqualTo("SKU-42");
    assertThat(param(order, "sku").required()).isTrue();
    assertThat(param(order, "callback").type()).isEqualTo("url");
    assertThat(param(order, "customer.email").value()).isEqualTo("moat@example.com");
    assertThat(order.baseline().bodyText()).contains("\"customer\"").contains("moat@example.com");

    assertThat(param(find(endpoints, "POST", "/upload"), "file").isFile()).isTrue();
    assertThat(param(find(endpoints, "POST", "/upload"), "file").location()).isEqualTo(ParameterLocation.MULTIPART_BODY);
    assertThat(param(find(endpoints, "POST", "/login"), "password").location()).isEqualTo(ParameterLocation.FORM_BODY);
    assertThat(param(find(endpoints, "POST", "/import"), "order/sku").location()).isEqualTo(ParameterLocation.XML_BODY);
  }

  @Test
  void swagger2WithBasePathAndABodyDefinition() throws Exception {
    List<Endpoint> endpoints = OpenApiTargets.endpoints(SWAGGER2, "legacy.json", TARGET);
    assertThat(endpoints).hasSize(2);
    Endpoint search = find(endpoints, "GET", "/search");
    assertThat(search.baseline().uri().toString()).isEqualTo("http://127.0.0.1:9999/v1/search?q=shoes");
    assertThat(param(find(endpoints, "POST", "/pets"), "name").value()).isEqualTo("rex");
  }

  @Test
  void somethingThatIsNotADocumentIsOneClearError() {
    assertThatThrownBy(() -> OpenApiTargets.endpoints("<html>hello</html>", "page.html", TARGET)).isInstanceOf(MoatException.class)
        .hasMessageContaining("page.html").satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
    assertThatThrownBy(() -> OpenApiTargets.endpoints("{\"openapi\": \"3.0.0\"}", "empty.json", TARGET)).isInstanceOf(MoatException.class);
  }
}
