package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import java.util.List;
import java.util.Map;

/**
 * Verify that at least {@code threshold} of {@code keys} signed the image's digest, with {@code annotations}.
 *
 * @param keys public keys (or private keys, whose public half is used): files, env://VAR, pkcs11: URIs
 * @param annotations signed annotations a signature must carry to count (cosign's {@code verify -a}); may be empty
 */
public record VerifyRequest(ImageLocation image, List<String> keys, int threshold, Map<String, String> annotations, RegistrySettings registry) {

  public VerifyRequest {
    keys = List.copyOf(keys);
    annotations = Map.copyOf(annotations);
  }

  /** Without required annotations. */
  public VerifyRequest(ImageLocation image, List<String> keys, int threshold, RegistrySettings registry) {
    this(image, keys, threshold, Map.of(), registry);
  }

  /**
   * Parameters: image, keys (newline or comma separated), threshold (default 1), annotations (key=value items),
   * insecure-registries, registry-ca.
   */
  public static VerifyRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    List<String> keys = p.list("keys");
    if (keys.isEmpty()) {
      keys = List.of(p.required("keys"));
    }
    return new VerifyRequest(ImageLocation.parse(p.required("image")), keys, p.integer("threshold", 1), p.map("annotations"), RegistrySettings.from(p));
  }

  /** The same request with other registry settings (a wrapper adding the credentials it holds). */
  public VerifyRequest withRegistry(RegistrySettings newRegistry) {
    return new VerifyRequest(image, keys, threshold, annotations, newRegistry);
  }
}
