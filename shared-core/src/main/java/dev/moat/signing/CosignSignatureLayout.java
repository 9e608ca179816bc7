package dev.moat.signing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cosign's legacy signature layout (SIGNATURE_SPEC.md): an image manifest tagged {@code sha256-<hex>.sig}
 * in the image's repository, one layer per signature. Each layer is a simple-signing payload of media type
 * {@code application/vnd.dev.cosign.simplesigning.v1+json} with the base64 signature in the annotation
 * {@code dev.cosignproject.cosign/signature}. A new signature is appended; existing ones are kept.
 */
public final class CosignSignatureLayout {

  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  /** Moat's unsigned hint of which key signed: the SHA-256 of its SubjectPublicKeyInfo. */
  public static final String KEY_ID_ANNOTATION = "dev.moat/key-id";
  static final int MAX_PAYLOAD = 1024 * 1024;

  private CosignSignatureLayout() {}

  public static String tag(Digest image) {
    return image.tagForm() + ".sig";
  }

  /** One signature layer: the payload and the layer's annotations (the signature, Moat's key hint, cosign's others). */
  public record Entry(byte[] payload, Map<String, String> annotations) {}

  /** Appends a signature; returns the digest of the new signature manifest. */
  public static Digest append(ImageRepository repository, Digest image, byte[] payload, byte[] signature, String keyId) throws MoatException {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signature));
    if (keyId != null) {
      annotations.put(KEY_ID_ANNOTATION, keyId);
    }
    return append(repository, image, List.of(new Entry(payload, annotations)));
  }

  /**
   * Adds signature layers to the {@code .sig} manifest of {@code image}, keeping every layer already there
   * and skipping layers that are already present (same payload and signature). Returns the manifest digest.
   */
  public static Digest append(ImageRepository repository, Digest image, List<Entry> entries) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> existing = repository.findManifest(tag);
    List<Descriptor> layers = new ArrayList<>();
    if (existing.isPresent() && !existing.get().isIndex()) {
      layers.addAll(existing.get().layers());
    }
    boolean added = false;
    for (Entry entry : entries) {
      Descriptor payloadBlob = Descriptor.of(SimpleSigningPayload.MEDIA_TYPE, entry.payload());
      String signature = entry.annotations().getOrDefault(SIGNATURE_ANNOTATION, "");
      boolean present = layers.stream().anyMatch(layer -> layer.digest().equals(payloadBlob.digest())
          && signature.equals(layer.annotationsOrEmpty().get(SIGNATURE_ANNOTATION)));
      if (present) {
        continue;
      }
      repository.pushBlob(payloadBlob, () -> new ByteArrayInputStream(entry.payload()));
      layers.add(payloadBlob.withAnnotations(new LinkedHashMap<>(entry.annotations())));
      added = true;
    }
    if (!added && existing.isPresent()) {
      return existing.get().digest();
    }

    return writeManifest(repository, tag, layers);
  }

  /**
   * Pushes cosign's manifest for signature or attestation layers under {@code tag}: an OCI image manifest
   * whose config is the minimal image config cosign writes (its {@code rootfs.diff_ids} the layer digests).
   */
  static Digest writeManifest(ImageRepository repository, String tag, List<Descriptor> layers) throws MoatException {
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.put("architecture", "");
    config.put("created", "0001-01-01T00:00:00Z");
    config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
    config.put("os", "");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.digest().toString()));
    config.putObject("config");
    byte[] configBytes = Json.bytes(config);
    Descriptor configBlob = Descriptor.of(MediaTypes.OCI_CONFIG, configBytes);
    repository.pushBlob(configBlob, () -> new ByteArrayInputStream(configBytes));

    Manifest manifest = Manifest.ofImage(configBlob, layers, null, null, Map.of());
    repository.pushManifest(manifest, tag);
    return manifest.digest();
  }

  /** The signature layers of {@code image} as entries, to carry them to another repository. */
  public static List<Entry> entries(ImageRepository repository, Digest image) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> manifest = repository.findManifest(tag);
    List<Entry> entries = new ArrayList<>();
    if (manifest.isEmpty() || manifest.get().isIndex()) {
      return entries;
    }
    for (Descriptor layer : manifest.get().layers()) {
      if (SimpleSigningPayload.MEDIA_TYPE.equals(layer.mediaType())) {
        entries.add(new Entry(readBlob(repository, layer, repository.describe() + ":" + tag), layer.annotationsOrEmpty()));
      }
    }
    return entries;
  }

  /** Reads every signature stored for {@code image}; unreadable layers are returned with a null claimed digest. */
  public static List<StoredSignature> read(ImageRepository repository, Digest image) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> manifest = repository.findManifest(tag);
    if (manifest.isEmpty() || manifest.get().isIndex()) {
      return List.of();
    }
    List<StoredSignature> found = new ArrayList<>();
    int i = 0;
    for (Descriptor layer : manifest.get().layers()) {
      String location = repository.describe() + ":" + tag + " layer " + i++;
      if (!SimpleSigningPayload.MEDIA_TYPE.equals(layer.mediaType())) {
        continue;
      }
      Map<String, String> annotations = layer.annotationsOrEmpty();
      byte[] signature;
      try {
        signature = Base64.getDecoder().decode(annotations.getOrDefault(SIGNATURE_ANNOTATION, ""));
      } catch (IllegalArgumentException e) {
        signature = new byte[0];
      }
      if (layer.size() > MAX_PAYLOAD) {
        throw new MoatException(Failure.PROTOCOL, location + " is a payload of " + layer.size() + " bytes, over Moat's 1 MiB limit", "");
      }
      byte[] payload = readBlob(repository, layer, location);
      Digest claimed = null;
      Map<String, String> signedAnnotations = Map.of();
      try {
        SimpleSigningPayload parsed = SimpleSigningPayload.parse(payload, location);
        claimed = parsed.manifestDigest();
        signedAnnotations = parsed.annotations();
      } catch (MoatException e) {
        // an unreadable payload cannot verify; it is reported as a bad signature
      }
      found.add(new StoredSignature(SignatureLayout.LEGACY, location, payload, signature, claimed,
          annotations.get(KEY_ID_ANNOTATION), new LinkedHashMap<>(signedAnnotations)));
    }
    return found;
  }

  static byte[] readBlob(ImageRepository repository, Descriptor blob, String location) throws MoatException {
    return readBlob(repository, blob, location, MAX_PAYLOAD);
  }

  /** Reads a small blob whole, refusing more than {@code limit} bytes, and checks it against its digest. */
  static byte[] readBlob(ImageRepository repository, Descriptor blob, String location, int limit) throws MoatException {
    if (blob.size() > limit) {
      throw new MoatException(Failure.PROTOCOL, location + " is a blob of " + blob.size() + " bytes, over Moat's limit of " + limit, "");
    }
    try (InputStream in = repository.openBlob(blob)) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new MoatException(Failure.PROTOCOL, location + " is over Moat's limit of " + limit + " bytes", "");
      }
      if (!Digest.of(bytes).equals(blob.digest())) {
        throw new MoatException(Failure.PROTOCOL, location + " does not match its digest " + blob.digest(), "the store served other bytes; try again");
      }
      return bytes;
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + location + ": " + e.getMessage(), "try again");
    }
  }
}
