package dev.moat.signing;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Where signatures are stored: cosign's two layouts. */
public enum SignatureLayout {
  /** The tag {@code sha256-<hex>.sig}, one simple-signing layer per signature (SIGNATURE_SPEC.md). */
  LEGACY,
  /** A Sigstore bundle v0.3 attached as an OCI 1.1 referrer (BUNDLE_SPEC.md). */
  BUNDLE;

  /** {@code legacy}, {@code bundle} or {@code both}. */
  public static Set<SignatureLayout> parse(String value) throws MoatException {
    String v = value == null ? "both" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "legacy":
        return EnumSet.of(LEGACY);
      case "bundle":
        return EnumSet.of(BUNDLE);
      case "both":
      case "":
        return EnumSet.allOf(SignatureLayout.class);
      default:
        throw new MoatException(Failure.INVALID_INPUT, "signature layout '" + value + "' is unknown", "use legacy, bundle or both");
    }
  }
}
