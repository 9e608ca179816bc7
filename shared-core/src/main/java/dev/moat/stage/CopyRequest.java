package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import dev.moat.signing.SignatureLayout;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mirror an image (or, with {@code allTags}, a whole repository) from {@code source} to {@code destination}.
 * With verify keys the source is verified first and an image that fails is not copied. With a sign key the
 * copy is signed at the destination.
 *
 * @param signKey null to copy without signing
 * @param verifyAnnotations signed annotations a source signature must carry to count; may be empty
 * @param recursive when signing a multi-platform copy, also sign every manifest the index lists
 * @param parallelism blobs copied at once
 * @param platform {@code os/arch[/variant]} to copy one platform of an index (required for a docker-archive
 *     destination of a multi-platform image); null copies the whole index
 */
public record CopyRequest(
    ImageLocation source,
    ImageLocation destination,
    String signKey,
    List<String> verifyKeys,
    int threshold,
    Map<String, String> verifyAnnotations,
    boolean copySignatures,
    boolean allTags,
    Set<SignatureLayout> layouts,
    Map<String, String> annotations,
    boolean recursive,
    int parallelism,
    String platform,
    RegistrySettings registry) {

  public CopyRequest {
    verifyKeys = List.copyOf(verifyKeys);
    verifyAnnotations = Map.copyOf(verifyAnnotations);
    layouts = Set.copyOf(layouts);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parameters: source, destination, sign-key, verify-keys, threshold, verify-annotations, copy-signatures, all-tags,
   * signature-layout, annotations, recursive, parallelism, platform, insecure-registries, registry-ca.
   */
  public static CopyRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    return new CopyRequest(
        ImageLocation.parse(p.required("source")),
        ImageLocation.parse(p.required("destination")),
        p.optional("sign-key", null),
        p.list("verify-keys"),
        p.integer("threshold", 1),
        p.map("verify-annotations"),
        p.flag("copy-signatures"),
        p.flag("all-tags"),
        SignatureLayout.parse(p.optional("signature-layout", "both")),
        p.map("annotations"),
        p.flag("recursive"),
        p.integer("parallelism", Math.max(2, Runtime.getRuntime().availableProcessors())),
        p.optional("platform", null),
        RegistrySettings.from(p));
  }

  /** The same request with other registry settings (a wrapper adding the credentials it holds). */
  public CopyRequest withRegistry(RegistrySettings newRegistry) {
    return new CopyRequest(source, destination, signKey, verifyKeys, threshold, verifyAnnotations, copySignatures, allTags, layouts, annotations, recursive, parallelism, platform, newRegistry);
  }
}
