package dev.moat;

/**
 * What went wrong, in the terms a pipeline acts on. Every value has a stable exit code, documented in
 * docs/signing.md; scripts and the wrappers may rely on them.
 */
public enum Failure {
  /** A bug in Moat. Should never happen; the CLI prints a stack trace only for this one. */
  INTERNAL(1),
  /** A parameter or argument is malformed: a reference, an option value, a file that is not what it should be. */
  INVALID_INPUT(2),
  /** A registry, a file or a device could not be reached or read. */
  UNREACHABLE(3),
  /** The registry refused the credentials, or gave none were given where they are needed. */
  AUTHENTICATION(4),
  /** The image, tag or file named does not exist. */
  NOT_FOUND(5),
  /** A key could not be read or used: wrong passphrase, wrong key type, a broken PEM, a token that refuses. */
  KEY(6),
  /** The registry or archive answered something that breaks the protocol or a limit (garbage, a manifest over 4 MiB). */
  PROTOCOL(7),
  /** An image layer is hostile or broken: a path escaping the root, a truncated stream, over the size cap. */
  LAYER_REJECTED(8),
  /** Verification: the image carries no signature at all. */
  NO_SIGNATURE(10),
  /** Verification: a signature is present but does not verify (tampered payload or signature). */
  INVALID_SIGNATURE(11),
  /** Verification: the image is signed, but not by any of the keys given. */
  UNKNOWN_KEY(12),
  /** Verification: the signature is valid but names another digest than the image's (a moved tag, a replayed signature). */
  DIGEST_MISMATCH(13),
  /** Verification: fewer distinct trusted keys signed than the threshold asks. */
  THRESHOLD_NOT_MET(14),
  /** Verification: trusted keys signed this digest, but none of their signatures carries the annotations required. */
  ANNOTATION_MISMATCH(15),
  /** Drift check: something ran that the whitelist does not list, or with another hash. */
  DRIFT(20),
  /** Scan: a finding at or above the {@code --fail-on} severity. */
  FINDINGS(30);

  private final int exitCode;

  Failure(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
