package dev.moat.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import dev.moat.signing.key.PublicKeys;
import dev.moat.signing.key.SigningKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attests an image: signs an in-toto Statement v1 about its digest in a DSSE envelope and stores it in one
 * or both of cosign's layouts: the legacy {@code sha256-<hex>.att} tag ({@link CosignAttestationLayout})
 * and a Sigstore bundle referrer ({@link SigstoreBundleLayout}).
 *
 * <p>In the legacy layout an earlier attestation of the same predicate type that the same key signed is
 * replaced (as {@code cosign attest --replace} does, but never another key's); attestations of other types
 * or keys are kept. A referrer cannot be taken back through every store, so bundles accumulate and readers
 * take the newest.
 */
public final class ImageAttester {

  /** What was written: the attested digest, the key id and, per layout, where. */
  public record Attested(Digest image, String keyId, List<String> written) {}

  private final Clock clock;

  public ImageAttester(Clock clock) {
    this.clock = clock;
  }

  /** Attests {@code manifest}, which was fetched from {@code repository}, with {@code predicate} of {@code predicateType}. */
  public Attested attest(ImageRepository repository, Manifest manifest, String predicateType, JsonNode predicate, SigningKey key,
      Set<SignatureLayout> layouts) throws MoatException {
    Digest digest = manifest.digest();
    PublicKey publicKey = key.publicKey();
    String keyId = PublicKeys.fingerprint(publicKey);
    byte[] statement = InTotoStatement.about(repository.identity(), digest, Map.of(), predicateType, predicate).toBytes();
    DsseEnvelope envelope = DsseEnvelope.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, key);
    Instant created = clock.instant();
    List<String> written = new ArrayList<>();
    if (layouts.contains(SignatureLayout.LEGACY)) {
      Digest att = CosignAttestationLayout.append(repository, digest, envelope, predicateType, created, keyId,
          earlier -> earlier.envelope() != null && isOfType(earlier.envelope(), predicateType) && earlier.envelope().isSignedBy(publicKey));
      written.add("legacy " + repository.describe() + ":" + CosignAttestationLayout.tag(digest) + " (" + att + ")");
    }
    if (layouts.contains(SignatureLayout.BUNDLE)) {
      byte[] bundle = SigstoreBundleLayout.bundle(envelope, keyId);
      Digest artifact = SigstoreBundleLayout.attach(repository, manifest.descriptor(), bundle, predicateType, created);
      written.add("bundle " + repository.describe() + "@" + artifact);
    }
    return new Attested(digest, keyId, written);
  }

  private static boolean isOfType(DsseEnvelope envelope, String predicateType) {
    try {
      return predicateType.equals(InTotoStatement.parse(envelope.payload(), "an earlier attestation").predicateType());
    } catch (MoatException e) {
      return false;
    }
  }
}
