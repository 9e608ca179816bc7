package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OCI 1.1 referrers: attaching an artifact manifest to a subject, and listing what is attached. Where the
 * store does not index subjects itself, the list lives in an image index under the fallback tag {@code
 * sha256-<hex>} (distribution-spec, "referrers tag schema").
 */
public final class ReferrersIndex {

  private ReferrersIndex() {}

  /**
   * Pushes an artifact manifest that names {@code subject} and makes it listable: through the store's own
   * referrers support, else by adding it to the fallback index.
   */
  public static void attach(ImageRepository repository, Manifest artifact) throws MoatException {
    Digest subject = artifact.subject().orElseThrow(() -> new IllegalArgumentException("artifact has no subject")).digest();
    boolean indexed = repository.pushManifest(artifact, null);
    if (indexed) {
      return;
    }
    String tag = subject.tagForm();
    Optional<Manifest> existing = repository.findManifest(tag);
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    if (existing.isPresent() && existing.get().isIndex()) {
      for (JsonNode entry : existing.get().json().path("manifests")) {
        if (!entry.path("digest").asText().equals(artifact.digest().toString())) {
          manifests.add(entry);
        }
      }
    }
    ObjectNode entry = manifests.addObject();
    entry.put("mediaType", artifact.mediaType());
    entry.put("digest", artifact.digest().toString());
    entry.put("size", artifact.bytes().length);
    String artifactType = artifact.json().path("artifactType").asText("");
    if (!artifactType.isEmpty()) {
      entry.put("artifactType", artifactType);
    }
    JsonNode annotations = artifact.json().get("annotations");
    if (annotations != null && annotations.isObject() && annotations.size() > 0) {
      entry.set("annotations", annotations);
    }
    byte[] bytes = Json.bytes(index);
    repository.pushManifest(Json.manifest(bytes, MediaTypes.OCI_INDEX, "the referrers index"), tag);
  }

  static List<Descriptor> fromFallbackTag(ImageRepository repository, Digest subject, String artifactType) throws MoatException {
    Optional<Manifest> index = repository.findManifest(subject.tagForm());
    if (index.isEmpty() || !index.get().isIndex()) {
      return List.of();
    }
    return filter(index.get().manifests(), artifactType);
  }

  static List<Descriptor> entries(JsonNode index) {
    List<Descriptor> list = new ArrayList<>();
    index.path("manifests").forEach(node -> list.add(Json.descriptor(node)));
    return list;
  }

  static List<Descriptor> filter(List<Descriptor> all, String artifactType) {
    if (artifactType == null) {
      return all;
    }
    return all.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
  }
}
