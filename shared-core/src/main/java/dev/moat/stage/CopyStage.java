package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.ImageCopier;
import dev.moat.image.ImageLocation;
import dev.moat.image.ImageRepository;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.signing.CosignAttestationLayout;
import dev.moat.signing.CosignSignatureLayout;
import dev.moat.signing.ImageSigner;
import dev.moat.signing.ImageVerifier;
import dev.moat.signing.SigstoreBundleLayout;
import dev.moat.signing.TrustedKey;
import dev.moat.signing.Verification;
import dev.moat.signing.key.KeyLoader;
import dev.moat.signing.key.SigningKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The copy stage: mirror an image or a whole repository; verify the source first when keys are given and
 * refuse an image that fails; carry existing signatures when asked; sign the copy at the destination.
 */
public final class CopyStage {

  /** Tags that hold signatures, attestations or referrer lists rather than images. */
  private static final Pattern ARTIFACT_TAG = Pattern.compile("sha256-[0-9a-f]{64}(\\..+)?");

  public StageResult run(CopyRequest request, StageContext context, StageListener listener) throws MoatException {
    if (!request.verifyAnnotations().isEmpty() && request.verifyKeys().isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "required annotations were given (--verify-annotation) but no key to verify the source with",
          "add --verify-key, or drop --verify-annotation");
    }
    if (request.destination() instanceof ImageLocation.Archive && (request.signKey() != null || request.copySignatures())) {
      throw new MoatException(Failure.INVALID_INPUT, "a docker-archive destination cannot hold signatures",
          "copy to a registry or an OCI layout to sign, or drop --sign-key and --copy-signatures");
    }
    SigningKey signKey = request.signKey() == null ? null : KeyLoader.loadSigningKey(request.signKey(), context.passphrases(), context.env());
    List<TrustedKey> verifyKeys = VerifyStage.trustedKeys(request.verifyKeys(), context);
    try (ImageStores stores = new ImageStores(request.registry().toOptions(context.env()))) {
      ImageStores.Source source = stores.openSource(request.source());
      ImageStores.Destination destination = stores.openDestination(request.destination());
      ImageCopier copier = new ImageCopier(request.parallelism(), (blob, outcome) ->
          listener.detail("  " + outcome.name().toLowerCase(java.util.Locale.ROOT) + " " + blob.digest() + " (" + blob.size() + " bytes)"));
      List<String[]> jobs = new ArrayList<>();
      if (request.allTags()) {
        for (String tag : source.repository().listTags()) {
          if (!ARTIFACT_TAG.matcher(tag).matches()) {
            jobs.add(new String[] {tag, tag});
          }
        }
        if (jobs.isEmpty()) {
          throw new MoatException(Failure.NOT_FOUND, source.repository().describe() + " has no tags to copy", "check the repository name");
        }
      } else {
        jobs.add(new String[] {source.reference(), destination.tag()});
      }
      StringBuilder rows = new StringBuilder();
      Map<String, String> outputs = new LinkedHashMap<>();
      List<String> copiedTags = new ArrayList<>();
      for (String[] job : jobs) {
        Manifest manifest = request.allTags()
            ? source.repository().fetchManifest(job[0])
            : VerifyStage.fetchPinned(source, request.source());
        if (request.platform() != null) {
          manifest = selectPlatform(source.repository(), manifest, request.platform());
        }
        if (manifest.isIndex() && request.destination() instanceof ImageLocation.Archive) {
          throw new MoatException(Failure.INVALID_INPUT, source.repository().describe() + ":" + job[0] + " is a multi-platform image and a docker-archive holds one",
              "pick one with --platform, e.g. --platform linux/amd64");
        }
        String from = source.repository().describe() + ":" + job[0];
        if (!verifyKeys.isEmpty()) {
          Verification verification = new ImageVerifier().verify(source.repository(), manifest, verifyKeys, request.threshold(), request.verifyAnnotations());
          if (!verification.passed()) {
            String message = "refused to copy " + from + ": " + verification.message();
            listener.warn(message);
            outputs.put("COPIED_TAGS", String.join(",", copiedTags));
            return StageResult.fail(verification.failure(), message, outputs, "### Moat: copy refused\n\n" + message + "\n");
          }
          listener.info("Verified " + from + "@" + manifest.digest() + ": signed by "
              + String.join(", ", verification.signers().stream().map(TrustedKey::name).toList()));
        }
        ImageCopier.Result result = copier.copy(source.repository(), manifest, destination.repository(), job[1]);
        listener.info("Copied " + from + " → " + destination.repository().describe() + (job[1] == null ? "" : ":" + job[1]) + "@" + manifest.digest()
            + " (" + result.copied() + " blobs copied, " + result.mounted() + " mounted, " + result.skipped() + " already there, " + result.bytesCopied() + " bytes)");
        if (request.copySignatures()) {
          copySignatures(copier, source.repository(), destination.repository(), manifest, listener);
        }
        String signer = "";
        if (signKey != null) {
          ImageSigner.Signed signed = new ImageSigner(context.clock()).sign(destination.repository(), manifest, signKey, request.annotations(), request.layouts(), request.recursive());
          signed.written().forEach(w -> listener.info("  signed: " + w));
          signed.kept().forEach(k -> listener.info("  already signed with this key and these annotations: " + k));
          signer = signKey.description();
        }
        copiedTags.add(job[1] == null ? manifest.digest().toString() : job[1]);
        rows.append("| `").append(from).append("` | `").append(destination.repository().describe()).append(job[1] == null ? "" : ":" + job[1])
            .append("` | `").append(manifest.digest()).append("` | ").append(signer).append(" |\n");
        outputs.put("IMAGE_URL", request.destination().toString());
        outputs.put("IMAGE_DIGEST", manifest.digest().toString());
      }
      outputs.put("COPIED_TAGS", String.join(",", copiedTags));
      String summary = "### Moat: copied\n\n| from | to | digest | signed with |\n|---|---|---|---|\n" + rows;
      return StageResult.pass("Copied " + jobs.size() + " image(s) to " + destination.repository().describe(), outputs, summary);
    }
  }

  /** The child of an index for {@code os/arch[/variant]}; a single manifest is returned as it is. */
  static Manifest selectPlatform(ImageRepository repository, Manifest manifest, String platform) throws MoatException {
    if (!manifest.isIndex()) {
      return manifest;
    }
    String[] parts = platform.split("/");
    if (parts.length < 2 || parts.length > 3) {
      throw new MoatException(Failure.INVALID_INPUT, "platform '" + platform + "' is not os/arch[/variant]", "write it like linux/amd64 or linux/arm64/v8");
    }
    List<String> available = new ArrayList<>();
    for (Descriptor child : manifest.manifests()) {
      Descriptor.Platform p = child.platform();
      if (p == null) {
        continue;
      }
      available.add(p.toString());
      if (parts[0].equals(p.os()) && parts[1].equals(p.architecture()) && (parts.length == 2 || parts[2].equals(p.variant()))) {
        return repository.fetchManifest(child.digest().toString());
      }
    }
    throw new MoatException(Failure.NOT_FOUND, repository.describe() + "@" + manifest.digest() + " has no platform " + platform,
        "available: " + String.join(", ", available));
  }

  private static void copySignatures(ImageCopier copier, ImageRepository source, ImageRepository destination, Manifest image, StageListener listener)
      throws MoatException {
    List<CosignSignatureLayout.Entry> legacy = CosignSignatureLayout.entries(source, image.digest());
    if (!legacy.isEmpty()) {
      CosignSignatureLayout.append(destination, image.digest(), legacy);
      listener.info("  carried " + legacy.size() + " signature(s) of " + CosignSignatureLayout.tag(image.digest()) + ", keeping those already at the destination");
    }
    int attestations = CosignAttestationLayout.carry(source, destination, image.digest());
    if (attestations > 0) {
      listener.info("  carried " + attestations + " attestation(s) of " + CosignAttestationLayout.tag(image.digest())
          + ", keeping those already at the destination");
    }
    for (Descriptor referrer : source.referrers(image.digest(), SigstoreBundleLayout.BUNDLE_MEDIA_TYPE)) {
      copier.copyReferrer(source, source.fetchManifest(referrer.digest().toString()), destination);
      listener.info("  carried bundle " + referrer.digest());
    }
  }
}
