package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.signing.TrustedKey;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistAttestation;
import dev.moat.whitelist.WhitelistDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fetch-whitelist stage: the whitelist attested for exactly this image digest, signed by a trusted key,
 * written where asked. Verification failures carry verify's exit codes (10–13).
 */
public final class FetchWhitelistStage {

  public StageResult run(FetchWhitelistRequest request, StageContext context, StageListener listener) throws MoatException {
    List<TrustedKey> keys = VerifyStage.trustedKeys(request.keys(), context);
    try (ImageStores stores = new ImageStores(request.registry().toOptions(context.env()))) {
      ImageStores.Source source = stores.openSource(request.image());
      Manifest manifest = VerifyStage.fetchPinned(source, request.image());
      Whitelist whitelist = new WhitelistAttestation().fetch(source.repository(), manifest, keys);
      if (!whitelist.image().digest().equals(manifest.digest().toString())) {
        throw new MoatException(Failure.DIGEST_MISMATCH, "the whitelist attested for " + source.repository().describe() + "@" + manifest.digest()
            + " is bound to " + whitelist.image().digest(), "the attestation was made for another image; learn and attach this one");
      }
      WhitelistDocument.write(whitelist, request.output());
      listener.info("  wrote " + request.output());
      Map<String, String> outputs = new LinkedHashMap<>();
      outputs.put("IMAGE_URL", request.image().toString());
      outputs.put("IMAGE_DIGEST", manifest.digest().toString());
      outputs.put("WHITELIST_DIGEST", Digest.of(WhitelistDocument.toBytes(whitelist)).toString());
      outputs.put("ENTRY_COUNT", Integer.toString(whitelist.allEntries().size()));
      String message = "Fetched the verified whitelist of " + request.image() + "@" + manifest.digest() + " (" + whitelist.allEntries().size()
          + " entries) into " + request.output();
      String summary = "### Moat: whitelist fetched\n\n`" + request.image() + "` → `" + manifest.digest() + "`: " + whitelist.allEntries().size()
          + " entries, verified, written to `" + request.output() + "`\n";
      return new StageResult(Verdict.PASS, null, message, outputs, summary, List.of(request.output()));
    }
  }
}
