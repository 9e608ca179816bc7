package dev.moat.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Moat's one JSON mapper and the parsing of OCI documents with errors that say where they came from. */
public final class Json {

  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private Json() {}

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  public static JsonNode tree(byte[] bytes, String source) throws MoatException {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IOException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new MoatException(
          Failure.PROTOCOL,
          source + " is not valid JSON (" + firstLine(e.getMessage()) + ")",
          "check that the address points at an OCI registry or layout");
    }
  }

  /**
   * A descriptor read from its JSON object by hand. Jackson's bean binding would do it too, but it builds its
   * model of the record by reflection on first use, which costs every copy a tenth of a second of start-up.
   *
   * @throws IllegalArgumentException if a field has the wrong type or the digest is not a sha256 digest
   */
  static Descriptor descriptor(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a descriptor is " + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not an object");
    }
    String digest = text(node, "digest");
    JsonNode platform = node.get("platform");
    if (platform != null && !platform.isNull() && !platform.isObject()) {
      throw new IllegalArgumentException("platform is not an object");
    }
    return new Descriptor(
        text(node, "mediaType"),
        digest == null ? null : Digest.fromJson(digest),
        size(node.get("size")),
        text(node, "artifactType"),
        annotations(node.get("annotations")),
        platform == null || platform.isNull()
            ? null
            : new Descriptor.Platform(text(platform, "architecture"), text(platform, "os"), text(platform, "variant")));
  }

  /** The JSON object of a descriptor: its set fields in the OCI spec's order, annotations sorted by key. */
  public static ObjectNode tree(Descriptor descriptor) {
    ObjectNode json = MAPPER.createObjectNode();
    putText(json, "mediaType", descriptor.mediaType());
    if (descriptor.digest() != null) {
      json.put("digest", descriptor.digest().toString());
    }
    json.put("size", descriptor.size());
    putText(json, "artifactType", descriptor.artifactType());
    if (!descriptor.annotationsOrEmpty().isEmpty()) {
      json.set("annotations", tree(descriptor.annotations()));
    }
    Descriptor.Platform platform = descriptor.platform();
    if (platform != null) {
      ObjectNode p = MAPPER.createObjectNode();
      putText(p, "architecture", platform.architecture());
      putText(p, "os", platform.os());
      putText(p, "variant", platform.variant());
      if (!p.isEmpty()) {
        json.set("platform", p);
      }
    }
    return json;
  }

  /** A string map as a JSON object sorted by key. */
  public static ObjectNode tree(Map<String, String> map) {
    ObjectNode json = MAPPER.createObjectNode();
    new TreeMap<>(map).forEach(json::put);
    return json;
  }

  private static void putText(ObjectNode json, String field, String value) {
    if (value != null && !value.isEmpty()) {
      json.put(field, value);
    }
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return value.asText();
  }

  private static long size(JsonNode value) {
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.textValue());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException("size " + value + " is not a whole number");
  }

  private static Map<String, String> annotations(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException("annotations is not an object");
    }
    Map<String, String> map = new LinkedHashMap<>();
    value.fields().forEachRemaining(field -> {
      JsonNode v = field.getValue();
      if (!v.isValueNode()) {
        throw new IllegalArgumentException("annotation " + field.getKey() + " is not a string");
      }
      map.put(field.getKey(), v.isNull() ? null : v.asText());
    });
    return map;
  }

  /**
   * Parses a manifest or index. The media type comes from the document when it names one, else from the
   * transport (a registry's Content-Type), else from its shape.
   */
  public static Manifest manifest(byte[] bytes, String transportMediaType, String source) throws MoatException {
    if (bytes.length > Manifest.MAX_BYTES) {
      throw new MoatException(
          Failure.PROTOCOL,
          source + " is a manifest of " + bytes.length + " bytes, over the 4 MiB limit",
          "Moat refuses manifests over 4 MiB, as registries do");
    }
    JsonNode json = tree(bytes, source);
    String mediaType = json.path("mediaType").asText(null);
    if (mediaType == null || mediaType.isEmpty()) {
      mediaType = transportMediaType;
    }
    if (mediaType == null || !(MediaTypes.isIndex(mediaType) || MediaTypes.isManifest(mediaType))) {
      mediaType = json.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    if (json.path("schemaVersion").asInt() != 2) {
      throw new MoatException(
          Failure.PROTOCOL,
          source + " is not a schema 2 manifest",
          "Moat reads OCI and Docker schema 2 manifests; convert older images first");
    }
    try {
      Manifest manifest = new Manifest(bytes, mediaType, Digest.of(bytes), json);
      manifest.blobs();
      manifest.manifests();
      manifest.subject();
      return manifest;
    } catch (IllegalArgumentException e) {
      throw new MoatException(
          Failure.PROTOCOL, source + " has a malformed descriptor (" + firstLine(e.getMessage()) + ")", "");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
