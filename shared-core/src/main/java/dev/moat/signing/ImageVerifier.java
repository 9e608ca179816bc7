package dev.moat.signing;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import dev.moat.signing.key.PublicKeys;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Verifies that at least {@code threshold} distinct trusted keys signed exactly this image digest, reading
 * both of cosign's layouts. Each signature found is classified: valid; valid but over another digest
 * (a replayed or moved signature); broken (the key it names is trusted but the signature does not verify:
 * a tampered payload or signature); or by a key not trusted. A valid signature counts only if its signed
 * annotations include every required one (cosign's {@code verify -a}).
 */
public final class ImageVerifier {

  public Verification verify(ImageRepository repository, Manifest manifest, List<TrustedKey> keys, int threshold) throws MoatException {
    return verify(repository, manifest, keys, threshold, Map.of());
  }

  /** As {@link #verify(ImageRepository, Manifest, List, int)}, counting only signatures that carry {@code required}. */
  public Verification verify(ImageRepository repository, Manifest manifest, List<TrustedKey> keys, int threshold, Map<String, String> required)
      throws MoatException {
    if (keys.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "no key given to verify with", "give at least one --key");
    }
    if (threshold < 1 || threshold > keys.size()) {
      throw new MoatException(Failure.INVALID_INPUT, "threshold " + threshold + " cannot be met with " + keys.size() + " key(s)",
          "give a threshold from 1 to the number of keys");
    }
    List<StoredSignature> found = new ArrayList<>(CosignSignatureLayout.read(repository, manifest.digest()));
    found.addAll(SigstoreBundleLayout.read(repository, manifest.descriptor()));
    List<Verification.Check> checks = new ArrayList<>();
    Set<TrustedKey> signers = new LinkedHashSet<>();
    for (StoredSignature signature : found) {
      Verification.Check check = check(signature, manifest, keys, required);
      checks.add(check);
      if (check.outcome() == Verification.Outcome.VALID) {
        signers.add(check.key());
      }
    }
    List<TrustedKey> ordered = keys.stream().filter(signers::contains).toList();
    String where = repository.describe() + "@" + manifest.digest();
    if (ordered.size() >= threshold) {
      return new Verification(manifest.digest(), checks, ordered, threshold, null,
          where + " is signed by " + names(ordered) + (threshold > 1 ? " (" + ordered.size() + " of " + threshold + " required)" : ""));
    }
    Failure failure;
    String message;
    if (found.isEmpty()) {
      failure = Failure.NO_SIGNATURE;
      message = where + " has no signature (neither a " + CosignSignatureLayout.tag(manifest.digest()) + " tag nor a Sigstore bundle referrer)";
    } else if (!ordered.isEmpty()) {
      failure = Failure.THRESHOLD_NOT_MET;
      message = where + " is signed by " + ordered.size() + " of the " + threshold + " keys required (" + names(ordered) + ")";
    } else if (has(checks, Verification.Outcome.ANNOTATION_MISMATCH)) {
      failure = Failure.ANNOTATION_MISMATCH;
      String carried = with(checks, Verification.Outcome.ANNOTATION_MISMATCH).stream()
          .map(c -> c.signature().annotations().isEmpty() ? "none" : render(c.signature().annotations())).distinct().collect(Collectors.joining("; "));
      List<Verification.Check> broken = with(checks, Verification.Outcome.INVALID_SIGNATURE);
      message = where + " is signed by " + names(keysWith(checks, Verification.Outcome.ANNOTATION_MISMATCH))
          + " but not with the required annotation(s) " + render(required) + " (signed: " + carried + ")"
          + (broken.isEmpty() ? "" : "; also " + broken.size() + " signature(s) that do not verify: "
              + broken.stream().map(c -> c.signature().location()).collect(Collectors.joining(", ")));
    } else if (has(checks, Verification.Outcome.DIGEST_MISMATCH)) {
      failure = Failure.DIGEST_MISMATCH;
      message = where + " carries a signature by " + names(keysWith(checks, Verification.Outcome.DIGEST_MISMATCH))
          + " over another digest (" + checks.stream().filter(c -> c.outcome() == Verification.Outcome.DIGEST_MISMATCH)
              .map(c -> String.valueOf(c.signature().claimedDigest())).distinct().collect(Collectors.joining(", ")) + "), not over this image";
    } else if (checks.stream().anyMatch(c -> c.outcome() == Verification.Outcome.INVALID_SIGNATURE && c.key() != null)) {
      failure = Failure.INVALID_SIGNATURE;
      message = where + " has a signature by " + names(checks.stream().filter(c -> c.outcome() == Verification.Outcome.INVALID_SIGNATURE && c.key() != null)
          .map(Verification.Check::key).distinct().toList()) + " that verifies, but its payload names no image digest Moat can read: "
          + checks.stream().filter(c -> c.outcome() == Verification.Outcome.INVALID_SIGNATURE && c.key() != null).map(c -> c.signature().location())
              .collect(Collectors.joining(", "));
    } else if (has(checks, Verification.Outcome.INVALID_SIGNATURE)) {
      failure = Failure.INVALID_SIGNATURE;
      message = where + " has a signature that does not verify (the payload or the signature was altered): "
          + checks.stream().filter(c -> c.outcome() == Verification.Outcome.INVALID_SIGNATURE).map(c -> c.signature().location()).collect(Collectors.joining(", "));
    } else {
      failure = Failure.UNKNOWN_KEY;
      message = where + " has " + found.size() + " signature(s), none by the key(s) given (" + keys.stream().map(TrustedKey::name).collect(Collectors.joining(", ")) + ")";
    }
    return new Verification(manifest.digest(), checks, ordered, threshold, failure, message);
  }

  private static Verification.Check check(StoredSignature signature, Manifest manifest, List<TrustedKey> keys, Map<String, String> required) {
    byte[] signed = signature.signedBytes() == null ? manifest.bytes() : signature.signedBytes();
    for (TrustedKey key : keys) {
      if (signed.length > 0 && PublicKeys.verify(key.key(), signed, signature.signature())) {
        if (signature.claimedDigest() == null) {
          return new Verification.Check(signature, Verification.Outcome.INVALID_SIGNATURE, key);
        }
        if (!signature.claimedDigest().equals(manifest.digest())) {
          return new Verification.Check(signature, Verification.Outcome.DIGEST_MISMATCH, key);
        }
        boolean annotated = required.entrySet().stream().allMatch(e -> e.getValue().equals(signature.annotations().get(e.getKey())));
        return new Verification.Check(signature, annotated ? Verification.Outcome.VALID : Verification.Outcome.ANNOTATION_MISMATCH, key);
      }
    }
    boolean namesTrustedKey = signature.keyHint() != null
        && keys.stream().anyMatch(k -> k.fingerprint().equals(signature.keyHint()));
    boolean unreadable = signature.claimedDigest() == null;
    return new Verification.Check(signature,
        namesTrustedKey || unreadable ? Verification.Outcome.INVALID_SIGNATURE : Verification.Outcome.UNKNOWN_KEY, null);
  }

  private static boolean has(List<Verification.Check> checks, Verification.Outcome outcome) {
    return checks.stream().anyMatch(c -> c.outcome() == outcome);
  }

  private static List<TrustedKey> keysWith(List<Verification.Check> checks, Verification.Outcome outcome) {
    return checks.stream().filter(c -> c.outcome() == outcome && c.key() != null).map(Verification.Check::key).distinct().toList();
  }

  private static List<Verification.Check> with(List<Verification.Check> checks, Verification.Outcome outcome) {
    return checks.stream().filter(c -> c.outcome() == outcome).toList();
  }

  private static String render(Map<String, String> annotations) {
    return new TreeMap<>(annotations).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  private static String names(List<TrustedKey> keys) {
    return keys.stream().map(TrustedKey::name).collect(Collectors.joining(", "));
  }
}
