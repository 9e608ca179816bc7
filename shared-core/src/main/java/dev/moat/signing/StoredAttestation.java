package dev.moat.signing;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One attestation as found next to an image, before it is checked.
 *
 * @param layout where it was found
 * @param location for messages: the tag and layer, or the referrer manifest, it came from
 * @param envelope the DSSE envelope; null when the stored bytes are not one (it then cannot verify)
 * @param created when it was attached, from the unsigned annotation {@code org.opencontainers.image.created}
 *     beside it; null when absent or unreadable. Used only to choose the newest of several valid ones.
 * @param keyHint the key id stored beside it (unsigned), or null
 */
public record StoredAttestation(SignatureLayout layout, String location, DsseEnvelope envelope, Instant created, String keyHint) {

  /**
   * The largest attestation Moat reads. A predicate such as a whitelist of thousands of executables is some
   * hundreds of KB, a third more in base64; registries do not cap blob sizes the way they cap manifests.
   */
  public static final int MAX_BYTES = 32 * 1024 * 1024;

  static Instant instant(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
