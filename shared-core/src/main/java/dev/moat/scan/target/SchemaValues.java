package dev.moat.scan.target;

import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Locale;

/** A normal value for a parameter from its schema: the example, default or first enum value, else one its type and format accept. */
final class SchemaValues {

  private SchemaValues() {}

  static String value(String name, Schema<?> schema) {
    if (schema == null) {
      return "moat";
    }
    if (schema.getExample() != null) {
      return String.valueOf(schema.getExample());
    }
    if (schema.getExamples() != null && !schema.getExamples().isEmpty()) {
      return String.valueOf(schema.getExamples().get(0));
    }
    if (schema.getDefault() != null) {
      return String.valueOf(schema.getDefault());
    }
    List<?> values = schema.getEnum();
    if (values != null && !values.isEmpty() && values.get(0) != null) {
      return String.valueOf(values.get(0));
    }
    String type = schemaType(schema);
    String format = schema.getFormat() == null ? "" : schema.getFormat().toLowerCase(Locale.ROOT);
    switch (type) {
      case "integer":
        return schema.getMinimum() != null ? schema.getMinimum().toBigInteger().toString() : "1";
      case "number":
        return schema.getMinimum() != null ? schema.getMinimum().toPlainString() : "1.5";
      case "boolean":
        return "true";
      case "array":
        return value(name, schema.getItems());
      default:
        break;
    }
    return switch (format) {
      case "email" -> "moat@example.com";
      case "uuid" -> "3fa85f64-5717-4562-b3fc-2c963f66afa6";
      case "date" -> "2026-01-01";
      case "date-time" -> "2026-01-01T00:00:00Z";
      case "uri", "url" -> "https://example.com/";
      case "ipv4" -> "192.0.2.1";
      case "binary", "byte" -> "moat";
      default -> name.toLowerCase(Locale.ROOT).contains("url") ? "https://example.com/" : "moat";
    };
  }

  /** {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code file} or {@code url}. */
  static String type(String name, Schema<?> schema) {
    if (schema == null) {
      return "string";
    }
    String type = schemaType(schema);
    String format = schema.getFormat() == null ? "" : schema.getFormat().toLowerCase(Locale.ROOT);
    if (format.equals("binary") || type.equals("file")) {
      return "file";
    }
    if (format.equals("uri") || format.equals("url")) {
      return "url";
    }
    return switch (type) {
      case "integer", "number", "boolean" -> type;
      default -> "string";
    };
  }

  private static String schemaType(Schema<?> schema) {
    if (schema.getType() != null) {
      return schema.getType();
    }
    if (schema.getTypes() != null && !schema.getTypes().isEmpty()) {
      return schema.getTypes().stream().filter(t -> !t.equals("null")).findFirst().orElse("string");
    }
    return "string";
  }
}
