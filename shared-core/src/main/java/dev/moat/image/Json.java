package dev.moat.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;

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

  static Descriptor descriptor(JsonNode node) {
    return MAPPER.convertValue(node, Descriptor.class);
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
