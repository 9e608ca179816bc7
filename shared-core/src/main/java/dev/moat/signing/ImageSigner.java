package dev.moat.signing;

import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import dev.moat.signing.key.PublicKeys;
import dev.moat.signing.key.SigningKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Signs an image by digest in one or both of cosign's layouts. */
public final class ImageSigner {

  /** What was written: the signed digest and, per layout, the digest of the signature manifest. */
  public record Signed(Digest image, String identity, String keyId, List<String> written) {}

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
    Digest digest = manifest.digest();
    String keyId = PublicKeys.fingerprint(key.publicKey());
    String identity = repository.identity();
    List<String> written = new ArrayList<>();
    if (layouts.contains(SignatureLayout.LEGACY)) {
      byte[] payload = new SimpleSigningPayload(identity, digest, annotations).toBytes();
      byte[] signature = key.sign(payload);
      Digest sig = CosignSignatureLayout.append(repository, digest, payload, signature, keyId);
      written.add("legacy " + repository.describe() + ":" + CosignSignatureLayout.tag(digest) + " (" + sig + ")");
    }
    if (layouts.contains(SignatureLayout.BUNDLE)) {
      byte[] statement = SigstoreBundleLayout.statement(identity, digest, annotations);
      byte[] signature = key.sign(Dsse.preAuthenticationEncoding(Dsse.IN_TOTO_PAYLOAD_TYPE, statement));
      byte[] bundle = SigstoreBundleLayout.bundle(statement, signature, keyId);
      Digest artifact = SigstoreBundleLayout.attach(repository, manifest.descriptor(), bundle, clock.instant());
      written.add("bundle " + repository.describe() + "@" + artifact);
    }
    return new Signed(digest, identity, keyId, written);
  }
}
