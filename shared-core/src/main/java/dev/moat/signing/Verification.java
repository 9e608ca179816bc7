package dev.moat.signing;

import dev.moat.Failure;
import dev.moat.image.Digest;
import java.util.List;

/**
 * The outcome of verifying one image.
 *
 * @param image the digest verified
 * @param checks every signature found and what became of it
 * @param signers the trusted keys with a valid signature over exactly this digest, distinct, in the order given
 * @param threshold how many distinct signers were required
 * @param failure null when verification passed; else why it failed
 * @param message a one-line account, for a pass or a failure
 */
public record Verification(Digest image, List<Check> checks, List<TrustedKey> signers, int threshold, Failure failure, String message) {

  public boolean passed() {
    return failure == null;
  }

  /**
   * What a signature turned out to be. {@code ANNOTATION_MISMATCH}: valid, by a trusted key, over exactly this digest,
   * but its signed annotations lack one that verification required.
   */
  public enum Outcome { VALID, ANNOTATION_MISMATCH, DIGEST_MISMATCH, INVALID_SIGNATURE, UNKNOWN_KEY }

  /** One stored signature and what it turned out to be; {@code key} is null unless a trusted key verified it. */
  public record Check(StoredSignature signature, Outcome outcome, TrustedKey key) {}
}
