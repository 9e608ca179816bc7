package dev.moat.signing;

import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import dev.moat.signing.key.PublicKeys;
import dev.moat.signing.key.SigningKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Signs an image by digest in one or both of cosign's layouts. Signing again with the same key and the same
 * annotations writes nothing in a layout that already holds that signature (as cosign's duplicate detection does),
 * so a retried pipeline step does not pile up signatures.
 */
public final class ImageSigner {

  /**
   * What was done: the signed digest; per layout written, the signature manifest; per layout that already held a
   * valid signature by this key over the same payload, where it is.
   */
  public record Signed(Digest image, String identity, String keyId, List<String> written, List<String> kept) {}

  private final Clock clock;

  public ImageSigner(Clock clock) {
    this.clock = clock;
  }

  /**
   * Signs {@code manifest}, which was fetched from {@code repository}. Signing is by digest: a tag is
   * resolved by whoever fetched the manifest, and the signature names the digest only.
   */
  public Signed sign(ImageRepository repository, Manifest manifest, SigningKey key, Map<String, String> annotations, Set<SignatureLayout> layouts)
      throws MoatException {
    return sign(repository, manifest, key, annotations, layouts, false);
  }

  /**
   * As {@link #sign(ImageRepository, Manifest, SigningKey, Map, Set)}; with {@code recursive}, a multi-platform
   * index is signed and so is every manifest it lists (cosign's {@code sign --recursive}), so that an image pinned
   * by a platform's digest verifies too. The result names the index; its lines cover all of them.
   */
  public Signed sign(ImageRepository repository, Manifest manifest, SigningKey key, Map<String, String> annotations, Set<SignatureLayout> layouts,
      boolean recursive) throws MoatException {
    String keyId = PublicKeys.fingerprint(key.publicKey());
    List<String> written = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    Deque<Manifest> toSign = new ArrayDeque<>(List.of(manifest));
    Set<Digest> seen = new HashSet<>(Set.of(manifest.digest()));
    while (!toSign.isEmpty()) {
      Manifest next = toSign.removeFirst();
      signOne(repository, next, key, keyId, annotations, layouts, written, kept);
      if (recursive) {
        for (Descriptor child : next.manifests()) {
          if (seen.add(child.digest())) {
            toSign.addLast(repository.fetchManifest(child.digest().toString()));
          }
        }
      }
    }
    return new Signed(manifest.digest(), repository.identity(), keyId, written, kept);
  }

  /** Signs one manifest in each layout asked, adding what it wrote to {@code written} and what was there to {@code kept}. */
  private void signOne(ImageRepository repository, Manifest manifest, SigningKey key, String keyId, Map<String, String> annotations,
      Set<SignatureLayout> layouts, List<String> written, List<String> kept) throws MoatException {
    Digest digest = manifest.digest();
    String identity = repository.identity();
    if (layouts.contains(SignatureLayout.LEGACY)) {
      byte[] payload = new SimpleSigningPayload(identity, digest, annotations).toBytes();
      Optional<StoredSignature> same = sameSignature(() -> CosignSignatureLayout.read(repository, digest), payload, key.publicKey());
      if (same.isPresent()) {
        kept.add("legacy " + same.get().location());
      } else {
        byte[] signature = key.sign(payload);
        Digest sig = CosignSignatureLayout.append(repository, digest, payload, signature, keyId);
        written.add("legacy " + repository.describe() + ":" + CosignSignatureLayout.tag(digest) + " (" + sig + ")");
      }
    }
    if (layouts.contains(SignatureLayout.BUNDLE)) {
      byte[] statement = SigstoreBundleLayout.statement(identity, digest, annotations);
      byte[] signed = Dsse.preAuthenticationEncoding(Dsse.IN_TOTO_PAYLOAD_TYPE, statement);
      Optional<StoredSignature> same = sameSignature(() -> SigstoreBundleLayout.read(repository, manifest.descriptor()), signed, key.publicKey());
      if (same.isPresent()) {
        kept.add("bundle " + same.get().location());
      } else {
        byte[] signature = key.sign(signed);
        byte[] bundle = SigstoreBundleLayout.bundle(statement, signature, keyId);
        Digest artifact = SigstoreBundleLayout.attach(repository, manifest.descriptor(), bundle, clock.instant());
        written.add("bundle " + repository.describe() + "@" + artifact);
      }
    }
  }

  private interface StoredSignatures {
    List<StoredSignature> read() throws MoatException;
  }

  /**
   * A stored signature over exactly {@code signedBytes} that verifies with {@code publicKey}, if there is one. Stored
   * signatures that cannot be read (an oversized payload, a referrer or blob since deleted) do not stop a new
   * signature from being added: they only mean no duplicate was found.
   */
  private static Optional<StoredSignature> sameSignature(StoredSignatures reader, byte[] signedBytes, PublicKey publicKey) throws MoatException {
    List<StoredSignature> stored;
    try {
      stored = reader.read();
    } catch (MoatException e) {
      return Optional.empty();
    }
    return stored.stream()
        .filter(s -> s.signedBytes() != null && Arrays.equals(s.signedBytes(), signedBytes))
        .filter(s -> PublicKeys.verify(publicKey, signedBytes, s.signature()))
        .findFirst();
  }
}
