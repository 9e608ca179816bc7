package dev.moat.signing;

import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * cosign's legacy attestation layout (ATTESTATION_SPEC.md, and what {@code cosign attest} writes): an
 * image manifest tagged {@code sha256-<hex>.att} in the image's repository, one layer per attestation.
 * Each layer is a DSSE envelope of media type {@code application/vnd.dsse.envelope.v1+json} with the
 * annotations {@code predicateType} and an empty {@code dev.cosignproject.cosign/signature} (the
 * signature is inside the envelope). Moat adds, unsigned, its key hint {@code dev.moat/key-id} and the
 * time of attaching {@code org.opencontainers.image.created}. Other attestations under the tag are kept.
 */
public final class CosignAttestationLayout {

  /** The layer annotation cosign writes and {@code cosign verify-attestation --type} is matched against. */
  public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
  public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

  private CosignAttestationLayout() {}

  public static String tag(Digest image) {
    return image.tagForm() + ".att";
  }

  /**
   * Adds an attestation layer to the {@code .att} manifest of {@code image}. Existing layers are kept,
   * except those of the same predicate type for which {@code replaces} is true (given each as read).
   * Returns the digest of the new manifest.
   */
  public static Digest append(ImageRepository repository, Digest image, DsseEnvelope envelope, String predicateType, Instant created,
      String keyId, Predicate<StoredAttestation> replaces) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> existing = repository.findManifest(tag);
    List<Descriptor> layers = new ArrayList<>();
    if (existing.isPresent() && !existing.get().isIndex()) {
      int i = 0;
      for (Descriptor layer : existing.get().layers()) {
        String location = repository.describe() + ":" + tag + " layer " + i++;
        if (isCandidate(layer, predicateType) && replaces.test(stored(repository, layer, location))) {
          continue;
        }
        layers.add(layer);
      }
    }
    byte[] bytes = envelope.toBytes();
    Descriptor blob = Descriptor.of(DsseEnvelope.MEDIA_TYPE, bytes);
    repository.pushBlob(blob, () -> new ByteArrayInputStream(bytes));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(CosignSignatureLayout.SIGNATURE_ANNOTATION, "");
    annotations.put(PREDICATE_TYPE_ANNOTATION, predicateType);
    annotations.put(CREATED_ANNOTATION, created.truncatedTo(ChronoUnit.MILLIS).toString());
    if (keyId != null) {
      annotations.put(CosignSignatureLayout.KEY_ID_ANNOTATION, keyId);
    }
    layers.add(blob.withAnnotations(annotations));
    return CosignSignatureLayout.writeManifest(repository, tag, layers);
  }

  /**
   * Carries the attestations of {@code image} under the source's {@code .att} tag to the destination's, as
   * {@code cosign copy} does: every DSSE layer (any predicate type, annotations as they are; each blob read back
   * against its digest, at most {@link StoredAttestation#MAX_BYTES}) is added to what the destination already
   * holds, skipping layers it has. Returns how many layers were added (0 when the source has none).
   */
  public static int carry(ImageRepository source, ImageRepository destination, Digest image) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> from = source.findManifest(tag);
    if (from.isEmpty() || from.get().isIndex()) {
      return 0;
    }
    Optional<Manifest> existing = destination.findManifest(tag);
    List<Descriptor> layers = new ArrayList<>();
    if (existing.isPresent() && !existing.get().isIndex()) {
      layers.addAll(existing.get().layers());
    }
    int added = 0;
    int i = 0;
    for (Descriptor layer : from.get().layers()) {
      String location = source.describe() + ":" + tag + " layer " + i++;
      if (!DsseEnvelope.MEDIA_TYPE.equals(layer.mediaType()) || layers.stream().anyMatch(l -> l.digest().equals(layer.digest()))) {
        continue;
      }
      byte[] bytes = CosignSignatureLayout.readBlob(source, layer, location, StoredAttestation.MAX_BYTES);
      destination.pushBlob(layer, () -> new ByteArrayInputStream(bytes));
      layers.add(layer);
      added++;
    }
    if (added > 0) {
      CosignSignatureLayout.writeManifest(destination, tag, layers);
    }
    return added;
  }

  /**
   * Reads the attestations stored for {@code image} whose layer does not name another predicate type than
   * {@code predicateType} (the annotation is unsigned: the verifier checks the statement itself).
   */
  public static List<StoredAttestation> read(ImageRepository repository, Digest image, String predicateType) throws MoatException {
    String tag = tag(image);
    Optional<Manifest> manifest = repository.findManifest(tag);
    if (manifest.isEmpty() || manifest.get().isIndex()) {
      return List.of();
    }
    List<StoredAttestation> found = new ArrayList<>();
    int i = 0;
    for (Descriptor layer : manifest.get().layers()) {
      String location = repository.describe() + ":" + tag + " layer " + i++;
      if (isCandidate(layer, predicateType)) {
        found.add(stored(repository, layer, location));
      }
    }
    return found;
  }

  private static boolean isCandidate(Descriptor layer, String predicateType) {
    return DsseEnvelope.MEDIA_TYPE.equals(layer.mediaType())
        && predicateType.equals(layer.annotationsOrEmpty().getOrDefault(PREDICATE_TYPE_ANNOTATION, predicateType));
  }

  private static StoredAttestation stored(ImageRepository repository, Descriptor layer, String location) throws MoatException {
    Map<String, String> annotations = layer.annotationsOrEmpty();
    byte[] bytes = CosignSignatureLayout.readBlob(repository, layer, location, StoredAttestation.MAX_BYTES);
    DsseEnvelope envelope;
    try {
      envelope = DsseEnvelope.parse(bytes, location);
    } catch (MoatException e) {
      envelope = null;
    }
    return new StoredAttestation(SignatureLayout.LEGACY, location, envelope, StoredAttestation.instant(annotations.get(CREATED_ANNOTATION)),
        annotations.get(CosignSignatureLayout.KEY_ID_ANNOTATION));
  }
}
