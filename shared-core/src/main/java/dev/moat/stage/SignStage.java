package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.signing.ImageSigner;
import dev.moat.signing.key.KeyLoader;
import dev.moat.signing.key.SigningKey;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sign stage: resolve the image to its digest, sign the digest, write the chosen layouts. */
public final class SignStage {

  public StageResult run(SignRequest request, StageContext context, StageListener listener) throws MoatException {
    SigningKey key = KeyLoader.loadSigningKey(request.key(), context.passphrases(), context.env());
    try (ImageStores stores = new ImageStores(request.registry().toOptions(context.env()))) {
      ImageStores.Source source = stores.openSource(request.image());
      Manifest manifest = source.repository().fetchManifest(source.reference());
      listener.info("Signing " + source.repository().describe() + "@" + manifest.digest() + " with " + key.description());
      ImageSigner.Signed signed = new ImageSigner(context.clock()).sign(source.repository(), manifest, key, request.annotations(), request.layouts(), request.recursive());
      signed.written().forEach(w -> listener.info("  wrote " + w));
      signed.kept().forEach(k -> listener.info("  already signed with this key and these annotations, nothing written: " + k));
      Map<String, String> outputs = new LinkedHashMap<>();
      outputs.put("IMAGE_URL", request.image().toString());
      outputs.put("IMAGE_DIGEST", manifest.digest().toString());
      outputs.put("KEY_ID", signed.keyId());
      String summary = "### Moat: signed\n\n| image | digest | key | layouts |\n|---|---|---|---|\n| `" + request.image() + "` | `"
          + manifest.digest() + "` | " + key.description() + " (`" + signed.keyId().substring(0, 16) + "…`) | "
          + String.join(", ", request.layouts().stream().map(l -> l.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList()) + " |\n";
      return StageResult.pass("Signed " + request.image() + "@" + manifest.digest(), outputs, summary);
    }
  }
}
