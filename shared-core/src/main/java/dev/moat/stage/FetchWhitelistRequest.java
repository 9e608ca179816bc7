package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fetch the whitelist attested for an image and verify it was signed by one of {@code keys}.
 *
 * @param keys trusted public keys: files, env://VAR, pkcs11: URIs
 * @param output where the verified whitelist goes
 */
public record FetchWhitelistRequest(ImageLocation image, List<String> keys, Path output, RegistrySettings registry) {

  public FetchWhitelistRequest {
    keys = List.copyOf(keys);
  }

  /** Parameters: image, keys (newline or comma separated), output (default whitelist.json), insecure-registries, registry-ca. */
  public static FetchWhitelistRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    List<String> keys = p.list("keys");
    if (keys.isEmpty()) {
      keys = List.of(p.required("keys"));
    }
    return new FetchWhitelistRequest(ImageLocation.parse(p.required("image")), keys, Path.of(p.optional("output", "whitelist.json")),
        RegistrySettings.from(p));
  }

  /** The same request with other registry settings (a wrapper adding the credentials it holds). */
  public FetchWhitelistRequest withRegistry(RegistrySettings newRegistry) {
    return new FetchWhitelistRequest(image, keys, output, newRegistry);
  }
}
