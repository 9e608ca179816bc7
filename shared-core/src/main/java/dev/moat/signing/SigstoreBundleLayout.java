package dev.moat.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.MediaTypes;
import dev.moat.image.ReferrersIndex;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cosign's bundle layout (BUNDLE_SPEC.md): a Sigstore bundle v0.3 stored as the single layer of an OCI 1.1
 * artifact manifest whose {@code subject} is the image, found through the referrers API or its fallback
 * tag. Moat signs, as cosign v3 does, a DSSE envelope around an in-toto Statement v1 whose subject is the
 * image digest and whose predicate type is {@code https://sigstore.dev/cosign/sign/v1}; the user's
 * annotations are the subject's annotations. The bundle's verification material is a public-key hint
 * (the key's SHA-256 fingerprint) with no transparency-log entry: key-based signing, no Rekor.
 *
 * <p>Reading also accepts message-signature bundles whose message digest is the image manifest digest.
 */
public final class SigstoreBundleLayout {

  public static final String BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  public static final String STATEMENT_TYPE = InTotoStatement.TYPE;
  public static final String PREDICATE_TYPE = "https://sigstore.dev/cosign/sign/v1";
  public static final String PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
  public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
  private static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  private SigstoreBundleLayout() {}

  /** The in-toto statement Moat signs for an image. */
  public static byte[] statement(String name, Digest image, Map<String, String> annotations) {
    return InTotoStatement.about(name, image, annotations, PREDICATE_TYPE, Json.MAPPER.createObjectNode()).toBytes();
  }

  /** The bundle JSON for a DSSE signature over {@code statement}. */
  public static byte[] bundle(byte[] statement, byte[] signature, String keyId) {
    return bundle(new DsseEnvelope(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, List.of(new DsseEnvelope.Signature("", signature))), keyId);
  }

  /**
   * The bundle JSON around a DSSE envelope: a public-key hint ({@code keyId}, the key's SHA-256
   * fingerprint) and no transparency-log entry.
   */
  public static byte[] bundle(DsseEnvelope envelope, String keyId) {
    ObjectNode bundle = Json.MAPPER.createObjectNode();
    bundle.put("mediaType", BUNDLE_MEDIA_TYPE);
    ObjectNode material = bundle.putObject("verificationMaterial");
    material.putObject("publicKey").put("hint", keyId);
    material.putArray("tlogEntries");
    bundle.set("dsseEnvelope", envelope.toJson());
    return Json.bytes(bundle);
  }

  /** Attaches a signature bundle to {@code image} as a referrer; returns the digest of the artifact manifest. */
  public static Digest attach(ImageRepository repository, Descriptor image, byte[] bundle, Instant created) throws MoatException {
    return attach(repository, image, bundle, PREDICATE_TYPE, created);
  }

  /**
   * Attaches a DSSE bundle whose statement has {@code predicateType} to {@code image} as a referrer, with
   * BUNDLE_SPEC.md's annotations ({@code dev.sigstore.bundle.content}, {@code .predicateType}, {@code
   * org.opencontainers.image.created}); returns the digest of the artifact manifest.
   */
  public static Digest attach(ImageRepository repository, Descriptor image, byte[] bundle, String predicateType, Instant created)
      throws MoatException {
    Descriptor bundleBlob = Descriptor.of(BUNDLE_MEDIA_TYPE, bundle);
    repository.pushBlob(bundleBlob, () -> new ByteArrayInputStream(bundle));
    Descriptor config = Descriptor.of(MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
    repository.pushBlob(config, () -> new ByteArrayInputStream(EMPTY_CONFIG));

    Descriptor layer = bundleBlob.withAnnotations(Map.of("org.opencontainers.image.title", bundleBlob.digest().tagForm() + ".sigstore.json"));
    Map<String, String> annotations = Map.of(
        "dev.sigstore.bundle.content", "dsse-envelope",
        PREDICATE_TYPE_ANNOTATION, predicateType,
        CREATED_ANNOTATION, created.truncatedTo(ChronoUnit.MILLIS).toString());
    Manifest artifact = Manifest.ofImage(config, List.of(layer), BUNDLE_MEDIA_TYPE, image, annotations);
    ReferrersIndex.attach(repository, artifact);
    return artifact.digest();
  }

  /**
   * Reads every signature bundle attached to {@code image}. Bundles of attestations (a DSSE statement, or
   * a referrer annotation, naming another predicate type than {@link #PREDICATE_TYPE}) are not signatures
   * and are left out, as cosign's verify leaves them out.
   */
  public static List<StoredSignature> read(ImageRepository repository, Descriptor image) throws MoatException {
    List<StoredSignature> found = new ArrayList<>();
    for (Descriptor referrer : repository.referrers(image.digest(), BUNDLE_MEDIA_TYPE)) {
      if (!isOfPredicateType(referrer.annotationsOrEmpty(), PREDICATE_TYPE)) {
        continue;
      }
      Manifest artifact = repository.fetchManifest(referrer.digest().toString());
      if (!isOfPredicateType(annotations(artifact), PREDICATE_TYPE)) {
        continue;
      }
      for (Descriptor layer : artifact.layers()) {
        if (!BUNDLE_MEDIA_TYPE.equals(layer.mediaType())) {
          continue;
        }
        String location = repository.describe() + "@" + artifact.digest() + " (bundle)";
        byte[] bundle = CosignSignatureLayout.readBlob(repository, layer, location);
        StoredSignature signature = parse(bundle, image, location);
        if (signature != null) {
          found.add(signature);
        }
      }
    }
    return found;
  }

  /**
   * Reads every DSSE bundle attached to {@code image} whose referrer does not name another predicate type
   * than {@code predicateType} (the annotation is unsigned: the verifier checks the statement itself).
   * A bundle that cannot be read comes back with a null envelope.
   */
  public static List<StoredAttestation> readAttestations(ImageRepository repository, Descriptor image, String predicateType)
      throws MoatException {
    List<StoredAttestation> found = new ArrayList<>();
    for (Descriptor referrer : repository.referrers(image.digest(), BUNDLE_MEDIA_TYPE)) {
      if (!isOfPredicateType(referrer.annotationsOrEmpty(), predicateType)) {
        continue;
      }
      Manifest artifact = repository.fetchManifest(referrer.digest().toString());
      Map<String, String> annotations = annotations(artifact);
      if (!isOfPredicateType(annotations, predicateType)) {
        continue;
      }
      Instant created = StoredAttestation.instant(annotations.get(CREATED_ANNOTATION));
      for (Descriptor layer : artifact.layers()) {
        if (!BUNDLE_MEDIA_TYPE.equals(layer.mediaType())) {
          continue;
        }
        String location = repository.describe() + "@" + artifact.digest() + " (bundle)";
        byte[] bytes = CosignSignatureLayout.readBlob(repository, layer, location, StoredAttestation.MAX_BYTES);
        DsseEnvelope envelope = null;
        String hint = null;
        try {
          JsonNode bundle = Json.tree(bytes, location);
          hint = bundle.path("verificationMaterial").path("publicKey").path("hint").asText(null);
          envelope = DsseEnvelope.parse(bundle.get("dsseEnvelope"), location);
        } catch (MoatException e) {
          // unreadable: an envelope that cannot verify
        }
        found.add(new StoredAttestation(SignatureLayout.BUNDLE, location, envelope, created, hint));
      }
    }
    return found;
  }

  /** The annotations of a manifest; a non-string value reads as its text. */
  static Map<String, String> annotations(Manifest manifest) {
    Map<String, String> annotations = new LinkedHashMap<>();
    manifest.json().path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return annotations;
  }

  /** Whether annotations of a bundle referrer leave it possibly of {@code predicateType} (no annotation: unknown, so yes). */
  private static boolean isOfPredicateType(Map<String, String> annotations, String predicateType) {
    return predicateType.equals(annotations.getOrDefault(PREDICATE_TYPE_ANNOTATION, predicateType));
  }

  /**
   * Parses a bundle; a bundle that cannot be read comes back with a null claimed digest and no signature,
   * and a DSSE statement of another predicate type than a signature's (an attestation) as null.
   */
  static StoredSignature parse(byte[] bundleBytes, Descriptor image, String location) {
    try {
      JsonNode bundle = Json.tree(bundleBytes, location);
      String hint = bundle.path("verificationMaterial").path("publicKey").path("hint").asText(null);
      JsonNode envelope = bundle.get("dsseEnvelope");
      if (envelope != null) {
        String payloadType = envelope.path("payloadType").asText("");
        byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText(""));
        byte[] signature = Base64.getDecoder().decode(envelope.path("signatures").path(0).path("sig").asText(""));
        Digest claimed = null;
        Map<String, String> annotations = new LinkedHashMap<>();
        if (Dsse.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
          JsonNode statement = Json.tree(payload, location + " statement");
          String type = statement.path("predicateType").asText("");
          if (!type.isEmpty() && !PREDICATE_TYPE.equals(type)) {
            return null;
          }
          for (JsonNode subject : statement.path("subject")) {
            String hex = subject.path("digest").path("sha256").asText("");
            if (hex.length() == 64) {
              claimed = new Digest("sha256", hex);
              annotations.clear(); // the annotations of the subject that names the image, not of the ones before it
              subject.path("annotations").fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) { // as cosign matches them: only strings
                  annotations.put(e.getKey(), e.getValue().asText());
                }
              });
              if (claimed.equals(image.digest())) {
                break;
              }
            }
          }
        }
        return new StoredSignature(SignatureLayout.BUNDLE, location, Dsse.preAuthenticationEncoding(payloadType, payload), signature, claimed, hint, annotations);
      }
      JsonNode message = bundle.get("messageSignature");
      if (message != null) {
        byte[] digest = Base64.getDecoder().decode(message.path("messageDigest").path("digest").asText(""));
        byte[] signature = Base64.getDecoder().decode(message.path("signature").asText(""));
        Digest claimed = digest.length == 32 ? new Digest("sha256", HexFormat.of().formatHex(digest)) : null;
        return new StoredSignature(SignatureLayout.BUNDLE, location, null, signature, claimed, hint, Map.of());
      }
    } catch (MoatException | IllegalArgumentException e) {
      // unreadable: falls through to an unverifiable record
    }
    return new StoredSignature(SignatureLayout.BUNDLE, location, new byte[0], new byte[0], null, null, Map.of());
  }
}
