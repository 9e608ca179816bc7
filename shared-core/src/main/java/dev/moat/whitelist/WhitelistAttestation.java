package dev.moat.whitelist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.ImageRepository;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.signing.AttestationVerifier;
import dev.moat.signing.ImageAttester;
import dev.moat.signing.SignatureLayout;
import dev.moat.signing.TrustedKey;
import dev.moat.signing.key.SigningKey;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Attaches a whitelist to its image as a DSSE-signed in-toto statement, stored the way cosign stores
 * attestations, and fetches it back verified.
 *
 * <p>The statement's subject is the image (repository identity and manifest or index digest), its
 * predicate type {@link #PREDICATE_TYPE} and its predicate the whitelist document itself, so a whitelist
 * fetched and written with {@link WhitelistDocument} has the bytes {@code moat whitelist learn} wrote.
 * docs/whitelist.md ("Attaching the whitelist to the image") describes the format and where it is stored.
 */
public final class WhitelistAttestation {

  /** The in-toto predicate type of a whitelist attestation; the predicate is the whitelist document. */
  public static final String PREDICATE_TYPE = "https://moat.dev/whitelist/v1";

  private static final String MISSING_HINT = "attach one with `moat whitelist learn IMAGE --attach --key KEY` where the image is built";

  private final Clock clock;

  public WhitelistAttestation() {
    this(Clock.systemUTC());
  }

  /** @param clock the time recorded beside each attestation, by which the newest is chosen */
  public WhitelistAttestation(Clock clock) {
    this.clock = clock;
  }

  /** @return what was written, for logs ({@code 127.0.0.1:5000/app:sha256-….att}) */
  public List<String> attach(ImageRepository repository, Manifest manifest, Whitelist whitelist, SigningKey key, Set<SignatureLayout> layouts)
      throws MoatException {
    if (!manifest.digest().toString().equals(whitelist.image().digest())) {
      throw new MoatException(Failure.DIGEST_MISMATCH, "the whitelist of " + whitelist.image().reference() + " was learned from "
          + whitelist.image().digest() + ", not from " + repository.describe() + "@" + manifest.digest(),
          "learn the whitelist from the image you attach it to");
    }
    JsonNode predicate = Json.tree(WhitelistDocument.toBytes(whitelist), "the whitelist");
    return new ImageAttester(clock).attest(repository, manifest, PREDICATE_TYPE, predicate, key, layouts).written();
  }

  /** The whitelist attested for {@code manifest}, signed by one of {@code keys}; a verification failure otherwise. */
  public Whitelist fetch(ImageRepository repository, Manifest manifest, List<TrustedKey> keys) throws MoatException {
    AttestationVerifier.Verified verified = new AttestationVerifier().verify(repository, manifest, PREDICATE_TYPE, keys, MISSING_HINT);
    String location = verified.attestation().location();
    Whitelist whitelist;
    try {
      whitelist = WhitelistDocument.parse(Json.bytes(verified.statement().predicate()), "the whitelist attested at " + location);
    } catch (MoatException e) {
      throw new MoatException(e.failure(), e.getMessage(), "attach the whitelist again with this version of Moat");
    }
    if (!manifest.digest().toString().equals(whitelist.image().digest())) {
      throw new MoatException(Failure.DIGEST_MISMATCH, "the whitelist attested for " + repository.describe() + "@" + manifest.digest() + " at "
          + location + " names another image digest, " + whitelist.image().digest(), "learn and attach the whitelist of this image again");
    }
    return whitelist;
  }
}
