package dev.moat.signing;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Finds the attestation of one predicate type that a trusted key made for exactly this image digest,
 * reading both of cosign's layouts. Each attestation of that type is classified as {@link ImageVerifier}
 * classifies signatures: valid; valid but about another digest (replayed or copied); broken (altered, or
 * not a statement); or by a key not trusted. Attestations of other predicate types are not looked at.
 *
 * <p>Of several valid ones the newest wins, by the {@code org.opencontainers.image.created} annotation
 * stored beside each (unsigned, so it orders only attestations that all verified; one without it counts
 * as oldest; on a tie the one read last, bundles after the legacy tag's layers in layer order).
 */
public final class AttestationVerifier {

  /** A verified attestation: the statement, where it was found and the trusted key that signed it. */
  public record Verified(InTotoStatement statement, StoredAttestation attestation, TrustedKey key) {}

  private record Check(StoredAttestation attestation, Verification.Outcome outcome, TrustedKey key, InTotoStatement statement) {}

  /**
   * @param missingHint what to tell the user when the image carries no attestation of this type at all
   */
  public Verified verify(ImageRepository repository, Manifest manifest, String predicateType, List<TrustedKey> keys, String missingHint)
      throws MoatException {
    if (keys.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "no key given to verify with", "give at least one --key");
    }
    Digest digest = manifest.digest();
    List<StoredAttestation> found = new ArrayList<>(CosignAttestationLayout.read(repository, digest, predicateType));
    found.addAll(SigstoreBundleLayout.readAttestations(repository, manifest.descriptor(), predicateType));
    List<Check> checks = new ArrayList<>();
    for (StoredAttestation attestation : found) {
      Check check = check(attestation, digest, predicateType, keys);
      if (check != null) {
        checks.add(check);
      }
    }
    Check newest = null;
    for (Check check : checks) {
      if (check.outcome() == Verification.Outcome.VALID && (newest == null || !isOlder(check.attestation().created(), newest.attestation().created()))) {
        newest = check;
      }
    }
    if (newest != null) {
      return new Verified(newest.statement(), newest.attestation(), newest.key());
    }
    String where = repository.describe() + "@" + digest;
    if (checks.isEmpty()) {
      throw new MoatException(Failure.NO_SIGNATURE, where + " has no " + predicateType + " attestation (neither in a "
          + CosignAttestationLayout.tag(digest) + " tag nor in a Sigstore bundle referrer)", missingHint);
    }
    List<Check> mismatched = with(checks, Verification.Outcome.DIGEST_MISMATCH);
    if (!mismatched.isEmpty()) {
      throw new MoatException(Failure.DIGEST_MISMATCH, where + " carries a " + predicateType + " attestation by " + names(mismatched)
          + " about another digest (" + mismatched.stream().flatMap(c -> c.statement().digests().stream()).map(Digest::toString).distinct()
              .collect(Collectors.joining(", ")) + "), not about this image: " + locations(mismatched),
          "an attestation was copied from another image; attest this digest itself");
    }
    List<Check> broken = with(checks, Verification.Outcome.INVALID_SIGNATURE);
    if (!broken.isEmpty()) {
      throw new MoatException(Failure.INVALID_SIGNATURE, where + " has a " + predicateType
          + " attestation that does not verify (its statement or signature was altered, or it is not an in-toto statement): " + locations(broken),
          "attach it again from the original");
    }
    throw new MoatException(Failure.UNKNOWN_KEY, where + " has " + checks.size() + " " + predicateType + " attestation(s), none by the key(s) given ("
        + keys.stream().map(TrustedKey::name).collect(Collectors.joining(", ")) + "): " + locations(checks),
        "give the public key of the key that attached it");
  }

  /** Classifies one attestation; null when its statement, read before any check, is of another predicate type. */
  private static Check check(StoredAttestation attestation, Digest image, String predicateType, List<TrustedKey> keys) {
    DsseEnvelope envelope = attestation.envelope();
    if (envelope == null) {
      return new Check(attestation, Verification.Outcome.INVALID_SIGNATURE, null, null);
    }
    InTotoStatement statement = null;
    if (Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
      try {
        statement = InTotoStatement.parse(envelope.payload(), attestation.location() + " statement");
      } catch (MoatException e) {
        // unreadable: cannot be a valid attestation, whoever signed it
      }
    }
    if (statement != null && !predicateType.equals(statement.predicateType())) {
      return null;
    }
    for (TrustedKey key : keys) {
      if (envelope.isSignedBy(key.key())) {
        if (statement == null) {
          return new Check(attestation, Verification.Outcome.INVALID_SIGNATURE, key, null);
        }
        return new Check(attestation, statement.names(image) ? Verification.Outcome.VALID : Verification.Outcome.DIGEST_MISMATCH, key, statement);
      }
    }
    boolean namesTrustedKey = attestation.keyHint() != null && keys.stream().anyMatch(k -> k.fingerprint().equals(attestation.keyHint()));
    return new Check(attestation, namesTrustedKey || statement == null ? Verification.Outcome.INVALID_SIGNATURE : Verification.Outcome.UNKNOWN_KEY,
        null, statement);
  }

  private static boolean isOlder(Instant candidate, Instant best) {
    if (candidate == null) {
      return best != null;
    }
    return best != null && candidate.isBefore(best);
  }

  private static List<Check> with(List<Check> checks, Verification.Outcome outcome) {
    return checks.stream().filter(c -> c.outcome() == outcome).toList();
  }

  private static String names(List<Check> checks) {
    return checks.stream().map(Check::key).filter(Objects::nonNull).map(TrustedKey::name).distinct().collect(Collectors.joining(", "));
  }

  private static String locations(List<Check> checks) {
    return checks.stream().map(c -> c.attestation().location()).collect(Collectors.joining(", "));
  }
}
