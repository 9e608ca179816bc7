package dev.moat.scan.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaValuesTest {

  private static Schema<Object> schema(String type, String format) {
    Schema<Object> s = new Schema<>();
    s.setType(type);
    s.setFormat(format);
    return s;
  }

  @Test
  void explicitValuesWinInTheDocumentsOrder() {
    Schema<Object> s = schema("string", null);
    s.setDefault("from-default");
    s.setEnum(List.of("from-enum"));
    assertThat(SchemaValues.value("p", "from-example", null, s)).isEqualTo("from-example");
    assertThat(SchemaValues.value("p", null, Map.of("one", new Example().value("from-examples")), s)).isEqualTo("from-examples");
    assertThat(SchemaValues.value("p", null, null, s)).isEqualTo("from-default");
    s.setDefault(null);
    assertThat(SchemaValues.value("p", null, null, s)).isEqualTo("from-enum");
  }

  @Test
  void derivedValuesFollowTypeFormatAndBounds() {
    assertThat(SchemaValues.value("e", null, null, schema("string", "email"))).isEqualTo("moat@example.com");
    assertThat(SchemaValues.value("u", null, null, schema("string", "uuid"))).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(SchemaValues.value("d", null, null, schema("string", "date"))).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(URI.create(SchemaValues.value("w", null, null, schema("string", "uri"))).getScheme()).isEqualTo("http");
    assertThat(SchemaValues.parameterType("w", schema("string", "uri"))).isEqualTo("url");
    assertThat(SchemaValues.value("b", null, null, schema("boolean", null))).isEqualTo("true");
    Schema<Object> bounded = schema("integer", null);
    bounded.setMinimum(new BigDecimal("42"));
    assertThat(SchemaValues.value("n", null, null, bounded)).isEqualTo("42");
    bounded.setExclusiveMinimum(true);
    assertThat(SchemaValues.value("n", null, null, bounded)).isEqualTo("43");
    Schema<Object> longString = schema("string", null);
    longString.setMinLength(12);
    assertThat(SchemaValues.value("s", null, null, longString)).hasSize(12);
    assertThat(SchemaValues.value("redirectUrl", null, null, schema("string", null))).isEqualTo(SchemaValues.URL_VALUE);
    ArraySchema array = new ArraySchema();
    array.setItems(schema("integer", null));
    assertThat(SchemaValues.value("ids", null, null, array)).isEqualTo("1");
    assertThat(SchemaValues.parameterType("upload", schema("string", "binary"))).isEqualTo("file");
  }

  @Test
  void openApi31TypeListsAndUntypedSchemasAreUnderstood() {
    Schema<Object> s = new Schema<>();
    s.setTypes(new java.util.LinkedHashSet<>(List.of("null", "integer")));
    assertThat(SchemaValues.type(s)).isEqualTo("integer");
    Schema<Object> object = new Schema<>();
    object.addProperty("a", schema("string", null));
    assertThat(SchemaValues.type(object)).isEqualTo("object");
    assertThat(SchemaValues.type(null)).isEqualTo("string");
  }
}
