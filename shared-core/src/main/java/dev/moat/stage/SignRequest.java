package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import dev.moat.signing.SignatureLayout;
import java.util.Map;
import java.util.Set;

/**
 * Sign an image by digest.
 *
 * @param image the image: a registry reference, oci:DIR[:TAG]
 * @param key the signing key: a file, env://VAR or a pkcs11: URI
 * @param annotations signed annotations, in the payload's optional section
 * @param layouts which of cosign's layouts to write
 * @param recursive for a multi-platform index, also sign every manifest it lists
 */
public record SignRequest(
    ImageLocation image, String key, Map<String, String> annotations, Set<SignatureLayout> layouts, boolean recursive, RegistrySettings registry) {

  public SignRequest {
    annotations = Map.copyOf(annotations);
    layouts = Set.copyOf(layouts);
  }

  /** Not recursive. */
  public SignRequest(ImageLocation image, String key, Map<String, String> annotations, Set<SignatureLayout> layouts, RegistrySettings registry) {
    this(image, key, annotations, layouts, false, registry);
  }

  /** Parameters: image, key, annotations, signature-layout, recursive, insecure-registries, registry-ca. */
  public static SignRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    return new SignRequest(ImageLocation.parse(p.required("image")), p.required("key"), p.map("annotations"),
        SignatureLayout.parse(p.optional("signature-layout", "both")), p.flag("recursive"), RegistrySettings.from(p));
  }

  /** The same request with other registry settings (a wrapper adding the credentials it holds). */
  public SignRequest withRegistry(RegistrySettings newRegistry) {
    return new SignRequest(image, key, annotations, layouts, recursive, newRegistry);
  }
}
