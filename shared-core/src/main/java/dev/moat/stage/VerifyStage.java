package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageReference;
import dev.moat.image.ImageRepository;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.image.ImageLocation;
import dev.moat.signing.ImageVerifier;
import dev.moat.signing.TrustedKey;
import dev.moat.signing.Verification;
import dev.moat.signing.key.KeyLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The verify stage: pass only if enough distinct trusted keys signed exactly this digest. */
public final class VerifyStage {

  public StageResult run(VerifyRequest request, StageContext context, StageListener listener) throws MoatException {
    List<TrustedKey> keys = trustedKeys(request.keys(), context);
    try (ImageStores stores = new ImageStores(request.registry().toOptions(context.env()))) {
      ImageStores.Source source = stores.openSource(request.image());
      Manifest manifest = fetchPinned(source, request.image());
      Verification verification = new ImageVerifier().verify(source.repository(), manifest, keys, request.threshold(), request.annotations());
      return result(request.image().toString(), verification, listener);
    }
  }

  /**
   * Fetches the image; for a reference with both a tag and a digest, checks that the tag still points at the
   * digest (a moved tag is a digest mismatch) and returns the pinned manifest.
   */
  static Manifest fetchPinned(ImageStores.Source source, ImageLocation location) throws MoatException {
    ImageRepository repository = source.repository();
    if (location instanceof ImageLocation.Registry registry) {
      ImageReference ref = registry.reference();
      if (ref.tag() != null && ref.digest() != null) {
        Manifest tagged = repository.fetchManifest(ref.tag());
        if (!tagged.digest().equals(ref.digest())) {
          throw new MoatException(dev.moat.Failure.DIGEST_MISMATCH,
              "tag " + ref.tag() + " of " + repository.describe() + " now points at " + tagged.digest() + ", not at the pinned " + ref.digest(),
              "the tag was moved; verify the digest you expect or find out who moved it");
        }
      }
    }
    return repository.fetchManifest(source.reference());
  }

  static List<TrustedKey> trustedKeys(List<String> specs, StageContext context) throws MoatException {
    List<TrustedKey> keys = new ArrayList<>();
    for (String spec : specs) {
      keys.add(new TrustedKey(spec, KeyLoader.loadPublicKey(spec, context.passphrases(), context.env())));
    }
    return keys;
  }

  static StageResult result(String image, Verification verification, StageListener listener) {
    for (Verification.Check check : verification.checks()) {
      listener.detail("  " + check.signature().layout().name().toLowerCase(Locale.ROOT) + " " + check.signature().location() + ": "
          + check.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + (check.key() == null ? "" : " (" + check.key().name() + ")"));
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("IMAGE_URL", image);
    outputs.put("IMAGE_DIGEST", verification.image().toString());
    outputs.put("SIGNERS", verification.signers().stream().map(TrustedKey::name).collect(Collectors.joining(",")));
    outputs.put("SIGNER_KEY_IDS", verification.signers().stream().map(TrustedKey::fingerprint).collect(Collectors.joining(",")));
    StringBuilder summary = new StringBuilder("### Moat: verify " + (verification.passed() ? "passed" : "FAILED") + "\n\n");
    summary.append("`").append(image).append("` → `").append(verification.image()).append("`\n\n");
    summary.append(verification.message()).append("\n\n| layout | signature | outcome | key |\n|---|---|---|---|\n");
    for (Verification.Check check : verification.checks()) {
      summary.append("| ").append(check.signature().layout().name().toLowerCase(Locale.ROOT)).append(" | ").append(check.signature().location())
          .append(" | ").append(check.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" | ")
          .append(check.key() == null ? "" : check.key().name()).append(" |\n");
    }
    return verification.passed()
        ? StageResult.pass(verification.message(), outputs, summary.toString())
        : StageResult.fail(verification.failure(), verification.message(), outputs, summary.toString());
  }
}
