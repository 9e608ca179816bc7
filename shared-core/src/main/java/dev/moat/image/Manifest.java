package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A manifest or index exactly as stored: its bytes (what the digest is over), its media type and the
 * parsed tree. Moat never re-serialises a manifest it copies, so digests stay the same.
 */
public record Manifest(byte[] bytes, String mediaType, Digest digest, JsonNode json) {

  /** The largest manifest Moat accepts, as the distribution spec recommends registries enforce. */
  public static final int MAX_BYTES = 4 * 1024 * 1024;

  /**
   * A new OCI image manifest over {@code config} and {@code layers}; {@code artifactType} and {@code subject}
   * may be null, {@code annotations} empty.
   */
  public static Manifest ofImage(Descriptor config, List<Descriptor> layers, String artifactType, Descriptor subject, Map<String, String> annotations)
      throws MoatException {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("schemaVersion", 2);
    json.put("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      json.put("artifactType", artifactType);
    }
    json.set("config", Json.tree(config));
    ArrayNode array = json.putArray("layers");
    layers.forEach(layer -> array.add(Json.tree(layer)));
    if (subject != null) {
      json.set("subject", Json.tree(new Descriptor(subject.mediaType(), subject.digest(), subject.size())));
    }
    if (!annotations.isEmpty()) {
      json.set("annotations", Json.tree(annotations));
    }
    return Json.manifest(Json.bytes(json), MediaTypes.OCI_MANIFEST, "a new manifest");
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  public Descriptor descriptor() {
    return new Descriptor(mediaType, digest, bytes.length);
  }

  /** The children of an index. */
  public List<Descriptor> manifests() {
    return descriptors(json.path("manifests"));
  }

  /** The layers of an image manifest. */
  public List<Descriptor> layers() {
    return descriptors(json.path("layers"));
  }

  public Optional<Descriptor> config() {
    JsonNode config = json.get("config");
    return config == null ? Optional.empty() : Optional.of(Json.descriptor(config));
  }

  public Optional<Descriptor> subject() {
    JsonNode subject = json.get("subject");
    return subject == null ? Optional.empty() : Optional.of(Json.descriptor(subject));
  }

  /** Config and layers of an image manifest: every blob it references. */
  public List<Descriptor> blobs() {
    List<Descriptor> blobs = new ArrayList<>();
    config().ifPresent(blobs::add);
    blobs.addAll(layers());
    return blobs;
  }

  private static List<Descriptor> descriptors(JsonNode array) {
    List<Descriptor> list = new ArrayList<>();
    array.forEach(node -> list.add(Json.descriptor(node)));
    return list;
  }
}
