package dev.moat.e2e.scan.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.target.ApiSecurityScheme;
import dev.moat.scan.target.OpenApiTarget;
import dev.moat.scan.target.OpenApiTargets;
import dev.moat.testing.vulnapp.VulnerableApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAPI 3.0 and Swagger 2.0 documents (fixtures and the vulnerable app's own) read into endpoints. */
class OpenApiTargetsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path fixture(String name) throws Exception {
    return Path.of(OpenApiTargetsTest.class.getResource("/scan-target/" + name).toURI());
  }

  private static Endpoint op(OpenApiTarget t, String id) {
    return t.endpoints().stream().filter(e -> e.operationId().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id));
  }

  private static Parameter param(Endpoint e, String name, ParameterLocation location) {
    return e.parameters(location).stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(e.operationId() + " has no " + location + " " + name + ": " + e.parameters()));
  }

  @Test
  void vulnerableAppDocumentYieldsEveryOperationItLists() throws Exception {
    try (VulnerableApp app = VulnerableApp.start()) {
      String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.openApiUri()).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      OpenApiTarget target = OpenApiTargets.parse(text, app.openApiUri().toString(), app.openApiUri(), null);
      Set<String> listed = new HashSet<>();
      JsonNode paths = JSON.readTree(text).get("paths");
      for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> path = it.next();
        path.getValue().fieldNames().forEachRemaining(m -> listed.add(m.toUpperCase() + " " + path.getKey()));
      }
      assertThat(listed).isNotEmpty();
      Set<String> read = new HashSet<>();
      for (Endpoint e : target.endpoints()) {
        read.add(e.method() + " " + e.pathTemplate());
        assertThat(e.server()).isEqualTo(app.baseUri());
        assertThat(e.source()).isEqualTo("openapi");
        // every path placeholder has a parameter, so the baseline request is a real URL of the app
        assertThat(e.baseline().uri().getRawPath()).doesNotContain("{");
      }
      assertThat(read).isEqualTo(listed);
      assertThat(target.title()).isEqualTo("Moat vulnerable test application");
    }
  }

  @Test
  void openApi3FixtureCoversEveryLocationBodyTypeRefAndServerVariables() throws Exception {
    OpenApiTarget t = OpenApiTargets.read(fixture("petstore-openapi3.yaml"), null);
    assertThat(t.title()).isEqualTo("Moat fixture store");
    assertThat(t.version()).isEqualTo("3.0-fixture");
    assertThat(t.endpoints()).hasSize(5);

    Endpoint get = op(t, "getItem");
    assertThat(get.server()).isEqualTo(URI.create("http://store.invalid:8443/v2"));
    assertThat(param(get, "itemId", ParameterLocation.PATH).value()).isEqualTo("7");
    assertThat(param(get, "itemId", ParameterLocation.PATH).type()).isEqualTo("integer");
    assertThat(param(get, "fields", ParameterLocation.QUERY).value()).isEqualTo("name");
    assertThat(param(get, "X-Request-Id", ParameterLocation.HEADER).value()).matches("[0-9a-f-]{36}");
    assertThat(param(get, "session", ParameterLocation.COOKIE).value()).isEqualTo("abc123");
    assertThat(param(get, "active", ParameterLocation.QUERY).value()).isEqualTo("true");
    assertThat(java.time.OffsetDateTime.parse(param(get, "since", ParameterLocation.QUERY).value())).isNotNull();
    ScanRequest baseline = get.baseline();
    assertThat(baseline.uri().toString()).startsWith("http://store.invalid:8443/v2/items/7?fields=name");
    assertThat(baseline.header("Cookie")).isEqualTo("session=abc123");

    Endpoint order = op(t, "createOrder");
    assertThat(order.bodyMediaType()).isEqualTo("application/json");
    assertThat(order.parameters(ParameterLocation.JSON_BODY)).extracting(Parameter::name)
        .containsExactly("customer.name", "customer.email", "quantity", "lines.0.sku", "callbackUrl");
    assertThat(param(order, "customer.name", ParameterLocation.JSON_BODY).value()).isEqualTo("Ada");
    assertThat(param(order, "callbackUrl", ParameterLocation.JSON_BODY).type()).isEqualTo("url");
    JsonNode body = JSON.readTree(order.baseline().body());
    assertThat(body.at("/customer/email").asText()).isEqualTo("moat@example.com");
    assertThat(body.at("/quantity").asInt()).isEqualTo(2);
    assertThat(body.at("/lines/0/sku").asText()).isEqualTo("SKU-1");

    Endpoint login = op(t, "login");
    assertThat(login.bodyMediaType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(param(login, "user", ParameterLocation.FORM_BODY).required()).isTrue();
    assertThat(param(login, "next", ParameterLocation.FORM_BODY).type()).isEqualTo("url");
    assertThat(login.baseline().bodyText()).contains("user=moat%40example.com");

    Endpoint upload = op(t, "upload");
    assertThat(param(upload, "file", ParameterLocation.MULTIPART_BODY).isFile()).isTrue();
    assertThat(param(upload, "comment", ParameterLocation.MULTIPART_BODY).value()).isEqualTo("a comment");
    assertThat(upload.baseline().bodyText()).contains("filename=\"moat.txt\"");

    Endpoint xml = op(t, "importXml");
    assertThat(xml.server()).isEqualTo(URI.create("http://store.invalid:8443/internal")); // operation-level relative server
    assertThat(xml.parameters(ParameterLocation.XML_BODY)).extracting(Parameter::name)
        .containsExactly("shipment/id", "shipment/address/city");
    assertThat(xml.baseline().bodyText()).contains("<shipment><id>1</id><address><city>Basel</city></address></shipment>");

    assertThat(t.securitySchemes()).containsExactly(
        new ApiSecurityScheme("apiKeyHeader", "apiKey", "header", "X-Api-Key", "", "", true),
        new ApiSecurityScheme("bearer", "http", "", "", "bearer", "JWT", false));
  }

  @Test
  void swagger2FixtureUsesHostBasePathAndFormDataAndBodyParameters() throws Exception {
    OpenApiTarget t = OpenApiTargets.read(fixture("petstore-swagger2.json"), null);
    assertThat(t.title()).isEqualTo("Moat fixture swagger");
    assertThat(t.endpoints()).hasSize(4);
    Endpoint getUser = op(t, "getUser");
    assertThat(getUser.server()).isEqualTo(URI.create("http://legacy.invalid:8081/api/v1"));
    assertThat(param(getUser, "id", ParameterLocation.PATH).value()).matches("[0-9a-f-]{36}");
    assertThat(param(getUser, "verbose", ParameterLocation.QUERY).type()).isEqualTo("boolean");
    assertThat(param(getUser, "X-Trace", ParameterLocation.HEADER).value()).isEqualTo("trace-1");

    Endpoint update = op(t, "updateUser");
    assertThat(update.parameters(ParameterLocation.JSON_BODY)).extracting(Parameter::name).containsExactly("name", "age", "home.zip");
    assertThat(param(update, "age", ParameterLocation.JSON_BODY).value()).isEqualTo("18");
    assertThat(param(update, "home.zip", ParameterLocation.JSON_BODY).value()).isEqualTo("4051");

    Endpoint avatar = op(t, "uploadAvatar");
    assertThat(param(avatar, "image", ParameterLocation.MULTIPART_BODY).isFile()).isTrue();
    assertThat(param(avatar, "caption", ParameterLocation.MULTIPART_BODY).isFile()).isFalse();

    Endpoint search = op(t, "search");
    assertThat(param(search, "q", ParameterLocation.FORM_BODY).value()).isEqualTo("moat");
    assertThat(param(search, "page", ParameterLocation.FORM_BODY).value()).isEqualTo("3");

    assertThat(t.securitySchemes()).extracting(ApiSecurityScheme::name, ApiSecurityScheme::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("basicAuth", "http"), org.assertj.core.groups.Tuple.tuple("token", "apiKey"));
  }

  @Test
  void targetOverrideReplacesTheHostAndKeepsTheServerPath() throws Exception {
    OpenApiTarget t = OpenApiTargets.read(fixture("petstore-swagger2.json"), URI.create("https://127.0.0.1:9443"));
    assertThat(op(t, "getUser").server()).isEqualTo(URI.create("https://127.0.0.1:9443/api/v1"));
  }

  @Test
  void relativeServersResolveAgainstTheDocumentUrlOrTheTarget() throws Exception {
    String text = Files.readString(fixture("relative-servers.yaml"));
    assertThat(OpenApiTargets.parse(text, "doc", URI.create("http://127.0.0.1:8080/specs/openapi.yaml"), null).endpoints().get(0).server())
        .isEqualTo(URI.create("http://127.0.0.1:8080/api"));
    assertThat(OpenApiTargets.parse(text, "doc", null, URI.create("http://127.0.0.1:7000")).endpoints().get(0).server())
        .isEqualTo(URI.create("http://127.0.0.1:7000/api"));
    assertThatThrownBy(() -> OpenApiTargets.parse(text, "relative.yaml", null, null))
        .isInstanceOf(MoatException.class).hasMessageContaining("relative.yaml").hasMessageContaining("relative server URL");
  }

  @Test
  void recursiveSchemasAreCutAtAFixedDepth() throws Exception {
    OpenApiTarget t = OpenApiTargets.read(fixture("recursive.yaml"), null);
    assertThat(t.endpoints()).hasSize(1);
    assertThat(t.endpoints().get(0).parameters(ParameterLocation.JSON_BODY)).extracting(Parameter::name)
        .contains("label", "child.label").allSatisfy(n -> assertThat(n.split("\\.").length).isLessThanOrEqualTo(8));
  }

  @Test
  void externalRefsAreRefusedWithoutFetchingThem() throws Exception {
    assertThatThrownBy(() -> OpenApiTargets.read(fixture("external-ref.yaml"), null))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).contains("external-ref.yaml").contains("http://127.0.0.1:1/evil.yaml");
          assertThat(e.hint()).contains("bundle");
        });
  }

  @Test
  void brokenOrMissingDocumentsGiveOneClearMessageNamingTheInput(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> OpenApiTargets.read(dir.resolve("absent.yaml"), null))
        .isInstanceOf(MoatException.class).hasMessageContaining("absent.yaml").hasMessageContaining("does not exist");
    Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"openapi\": [unclosed", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OpenApiTargets.read(garbage, null))
        .isInstanceOf(MoatException.class).hasMessageContaining("garbage.json").hasMessageContaining("neither JSON nor YAML");
    Path html = Files.writeString(dir.resolve("page.html"), "<html><body>not an API</body></html>", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OpenApiTargets.read(html, null)).isInstanceOf(MoatException.class).hasMessageContaining("page.html");
    Path other = Files.writeString(dir.resolve("other.yaml"), "name: x\nversion: 1\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OpenApiTargets.read(other, null))
        .isInstanceOf(MoatException.class).hasMessageContaining("other.yaml").hasMessageContaining("neither an openapi nor a swagger field");
    assertThatThrownBy(() -> OpenApiTargets.parse("", "empty-input", null, null)).isInstanceOf(MoatException.class).hasMessageContaining("empty-input");
    // a billion-laughs style YAML alias bomb is refused by the YAML reader's limits, not expanded
    StringBuilder bomb = new StringBuilder("openapi: 3.0.3\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    String prev = "a";
    for (int i = 0; i < 9; i++) {
      String name = "l" + i;
      bomb.append(name).append(": &").append(name).append(" [");
      for (int j = 0; j < 9; j++) {
        bomb.append(j == 0 ? "" : ",").append('*').append(prev);
      }
      bomb.append("]\n");
      prev = name;
    }
    assertThatThrownBy(() -> OpenApiTargets.parse(bomb.toString(), "bomb.yaml", null, null))
        .isInstanceOf(MoatException.class).hasMessageContaining("bomb.yaml");
  }
}
