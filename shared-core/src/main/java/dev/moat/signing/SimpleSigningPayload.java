package dev.moat.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payload cosign signs in its legacy layout (cosign SIGNATURE_SPEC.md, "Red Hat simple signing"):
 * {@code critical.identity.docker-reference}, {@code critical.image.docker-manifest-digest}, {@code
 * critical.type} and the user's annotations in {@code optional}.
 */
public record SimpleSigningPayload(String dockerReference, Digest manifestDigest, Map<String, String> annotations) {

  public static final String TYPE = "cosign container image signature";
  public static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";

  public byte[] toBytes() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
    critical.put("type", TYPE);
    if (annotations.isEmpty()) {
      root.putNull("optional");
    } else {
      ObjectNode optional = root.putObject("optional");
      new TreeMap<>(annotations).forEach(optional::put);
    }
    return Json.bytes(root);
  }

  /**
   * Parses a payload. Keys are matched ignoring case, as cosign's Go decoder does: SIGNATURE_SPEC.md's own
   * example spells {@code Docker-manifest-digest}.
   */
  public static SimpleSigningPayload parse(byte[] bytes, String source) throws MoatException {
    JsonNode root = Json.tree(bytes, source);
    JsonNode critical = field(root, "critical");
    String type = field(critical, "type").asText("");
    if (!TYPE.equals(type)) {
      throw new MoatException(Failure.INVALID_SIGNATURE, source + " is not a cosign image signature payload (type '" + type + "')", "");
    }
    String digest = field(field(critical, "image"), "docker-manifest-digest").asText("");
    if (!Digest.isDigest(digest)) {
      throw new MoatException(Failure.INVALID_SIGNATURE, source + " names no valid image digest", "");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    // Only string values are annotations as cosign matches them (`verify -a`); numbers, null or objects never match.
    field(root, "optional").fields().forEachRemaining(e -> {
      if (e.getValue().isTextual()) {
        annotations.put(e.getKey(), e.getValue().asText());
      }
    });
    return new SimpleSigningPayload(field(field(critical, "identity"), "docker-reference").asText(""), Digest.parse(digest), annotations);
  }

  /** The member named {@code name} ignoring case (an exact match first), or a missing node. */
  private static JsonNode field(JsonNode node, String name) {
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact;
    }
    var names = node.fieldNames();
    while (names.hasNext()) {
      String candidate = names.next();
      if (candidate.equalsIgnoreCase(name)) {
        return node.get(candidate);
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
