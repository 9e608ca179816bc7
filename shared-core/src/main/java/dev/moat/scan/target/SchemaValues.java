package dev.moat.scan.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The normal value of an input: the document's example, examples, default or first enum value, else a value
 * derived from the schema's type and format. Also names the {@link dev.moat.scan.Parameter} type.
 */
final class SchemaValues {

  static final String URL_VALUE = "http://example.com/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaValues() {
  }

  /** The schema's type: {@code type} (3.0), the first non-null of {@code types} (3.1), else inferred. */
  static String type(Schema<?> schema) {
    if (schema == null) {
      return "string";
    }
    if (schema.getType() != null) {
      return schema.getType();
    }
    if (schema.getTypes() != null) {
      for (Object t : schema.getTypes()) {
        if (!"null".equals(t)) {
          return String.valueOf(t);
        }
      }
    }
    if (schema.getProperties() != null && !schema.getProperties().isEmpty()) {
      return "object";
    }
    if (schema.getItems() != null) {
      return "array";
    }
    return "string";
  }

  /** The {@link dev.moat.scan.Parameter#type()} for a scalar input. */
  static String parameterType(String name, Schema<?> schema) {
    String type = type(schema);
    String format = schema == null || schema.getFormat() == null ? "" : schema.getFormat().toLowerCase(Locale.ROOT);
    if (type.equals("array") && schema.getItems() != null) {
      return parameterType(name, schema.getItems());
    }
    if (type.equals("file") || format.equals("binary") && type.equals("string")) {
      return "file";
    }
    if (format.equals("uri") || format.equals("url") || format.equals("uri-reference") || format.equals("iri")) {
      return "url";
    }
    return switch (type) {
      case "integer", "number", "boolean" -> type;
      default -> "string";
    };
  }

  /** The first usable of: an explicit example, the first of the examples, the default, the first enum value. */
  static String explicit(Object example, Map<String, Example> examples, Schema<?> schema) {
    String v = text(example);
    if (v == null && examples != null) {
      for (Example e : examples.values()) {
        v = e == null ? null : text(e.getValue());
        if (v != null) {
          break;
        }
      }
    }
    if (v == null && schema != null) {
      v = text(schema.getExample());
      if (v == null && schema.getExamples() != null && !schema.getExamples().isEmpty()) {
        v = text(schema.getExamples().get(0));
      }
      if (v == null) {
        v = text(schema.getDefault());
      }
      if (v == null && schema.getEnum() != null && !schema.getEnum().isEmpty()) {
        v = text(schema.getEnum().get(0));
      }
      if (v == null && schema.getItems() != null && type(schema).equals("array")) {
        v = explicit(null, null, schema.getItems());
      }
    }
    return v;
  }

  /** The value of a scalar input: {@link #explicit}, else derived from the schema's type, format and bounds. */
  static String value(String name, Object example, Map<String, Example> examples, Schema<?> schema) {
    String v = explicit(example, examples, schema);
    return v != null ? v : derived(name, schema);
  }

  static String derived(String name, Schema<?> schema) {
    String type = type(schema);
    if (type.equals("array") && schema.getItems() != null) {
      return value(name, null, null, schema.getItems());
    }
    String format = schema == null || schema.getFormat() == null ? "" : schema.getFormat().toLowerCase(Locale.ROOT);
    switch (type) {
      case "integer":
        return bound(schema, BigDecimal.ONE).toBigInteger().toString();
      case "number":
        return bound(schema, BigDecimal.ONE).toPlainString();
      case "boolean":
        return "true";
      case "file":
        return "moat test file";
      default:
        break;
    }
    String v = switch (format) {
      case "email", "idn-email" -> "moat@example.com";
      case "uuid" -> "3fa85f64-5717-4562-b3fc-2c963f66afa6";
      case "date" -> "2024-01-01";
      case "date-time" -> OffsetDateTime.parse("2024-01-01T00:00:00Z").toString();
      case "time" -> "12:00:00";
      case "uri", "url", "uri-reference", "iri" -> URL_VALUE;
      case "hostname", "idn-hostname" -> "example.com";
      case "ipv4" -> "127.0.0.1";
      case "ipv6" -> "::1";
      case "password" -> "Moat-test-1";
      case "byte" -> "bW9hdA==";
      case "binary" -> "moat test file";
      default -> null;
    };
    if (v == null) {
      v = new dev.moat.scan.Parameter(name, dev.moat.scan.ParameterLocation.QUERY, "", "string", false).looksLikeUrl()
          && !name.toLowerCase(Locale.ROOT).contains("next") ? URL_VALUE : "moat";
    }
    if (schema != null && schema.getMinLength() != null && v.length() < schema.getMinLength()) {
      v = v + "x".repeat(Math.min(10_000, schema.getMinLength() - v.length()));
    }
    if (schema != null && schema.getMaxLength() != null && schema.getMaxLength() >= 0 && v.length() > schema.getMaxLength()) {
      v = v.substring(0, schema.getMaxLength());
    }
    return v;
  }

  private static BigDecimal bound(Schema<?> schema, BigDecimal fallback) {
    if (schema == null) {
      return fallback;
    }
    if (schema.getMinimum() != null) {
      boolean exclusive = Boolean.TRUE.equals(schema.getExclusiveMinimum());
      return exclusive ? schema.getMinimum().add(BigDecimal.ONE) : schema.getMinimum();
    }
    if (schema.getExclusiveMinimumValue() != null) {
      return schema.getExclusiveMinimumValue().add(BigDecimal.ONE);
    }
    if (schema.getMaximum() != null && schema.getMaximum().compareTo(fallback) < 0) {
      return schema.getMaximum();
    }
    return fallback;
  }

  /** An example as text: scalars as they are, objects and arrays as JSON; null for none. */
  static String text(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof JsonNode n) {
      if (n.isNull() || n.isMissingNode()) {
        return null;
      }
      return n.isValueNode() ? n.asText() : n.toString();
    }
    if (o instanceof String || o instanceof Number || o instanceof Boolean) {
      return o.toString();
    }
    if (o instanceof OffsetDateTime || o instanceof java.util.Date || o instanceof java.util.UUID) {
      return o.toString();
    }
    if (o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Object[]) {
      return JSON.valueToTree(o).toString();
    }
    return o.toString();
  }

  /** An example as a JSON tree, to look up nested values by path; null for none. */
  static JsonNode tree(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof JsonNode n) {
      return n;
    }
    if (o instanceof String s) {
      try {
        return JSON.readTree(s);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return null;
      }
    }
    try {
      return JSON.valueToTree(o);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
