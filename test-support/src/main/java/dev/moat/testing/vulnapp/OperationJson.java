package dev.moat.testing.vulnapp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAPI 3.0 operation objects (as JSON text for {@link AppRoutes#operation}) of the simple shapes most routes have. */
final class OperationJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OperationJson() {}

  /** An operation with one {@code in} ({@code query}, {@code path}, {@code header}, {@code cookie}) string parameter. */
  static String withParameter(String operationId, String in, String name, String example) {
    ObjectNode op = base(operationId);
    ObjectNode p = op.putArray("parameters").addObject();
    p.put("name", name).put("in", in).put("required", in.equals("path"));
    p.putObject("schema").put("type", "string");
    p.put("example", example);
    return op.toString();
  }

  /** An operation whose body ({@code application/json} or {@code application/x-www-form-urlencoded}) has one string field. */
  static String withBodyField(String operationId, String mediaType, String field, String example) {
    ObjectNode op = base(operationId);
    ObjectNode schema = op.putObject("requestBody").put("required", true).putObject("content").putObject(mediaType).putObject("schema");
    schema.put("type", "object").putArray("required").add(field);
    schema.putObject("properties").putObject(field).put("type", "string").put("example", example);
    return op.toString();
  }

  /** An operationId from a path: {@code /traversal/safe-files/{name}} gives {@code traversalSafeFilesName}. */
  static String idFor(String path) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char c : path.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = sb.length() > 0;
      }
    }
    return sb.toString();
  }

  /** An operation without parameters. */
  static String plain(String operationId) {
    return base(operationId).toString();
  }

  private static ObjectNode base(String operationId) {
    ObjectNode op = JSON.createObjectNode();
    op.put("operationId", operationId);
    op.putObject("responses").putObject("200").put("description", "OK");
    return op;
  }
}
