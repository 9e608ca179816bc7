package dev.moat.whitelist;

import dev.moat.MoatException;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import dev.moat.signing.SignatureLayout;
import dev.moat.signing.TrustedKey;
import dev.moat.signing.key.SigningKey;
import java.util.List;
import java.util.Set;

/**
 * Attaches a whitelist to its image as a DSSE-signed in-toto statement, stored the way cosign stores
 * attestations, and fetches it back verified.
 */
public final class WhitelistAttestation {

  /** The in-toto predicate type of a whitelist attestation; the predicate is the whitelist document. */
  public static final String PREDICATE_TYPE = "https://moat.dev/whitelist/v1";

  /** @return what was written, for logs ({@code 127.0.0.1:5000/app:sha256-….att}) */
  public List<String> attach(ImageRepository repository, Manifest manifest, Whitelist whitelist, SigningKey key, Set<SignatureLayout> layouts)
      throws MoatException {
    throw new UnsupportedOperationException("contract only: built on the whitelist-attest branch");
  }

  /** The whitelist attested for {@code manifest}, signed by one of {@code keys}; a verification failure otherwise. */
  public Whitelist fetch(ImageRepository repository, Manifest manifest, List<TrustedKey> keys) throws MoatException {
    throw new UnsupportedOperationException("contract only: built on the whitelist-attest branch");
  }
}
