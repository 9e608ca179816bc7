package dev.moat.whitelist;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The executables of one platform's image.
 *
 * @param platform {@code os/arch[/variant]}, as in an OCI index ({@code linux/amd64})
 * @param manifestDigest digest of the image manifest the entries were learned from
 * @param layers digests of its layers, in order, as the manifest lists them
 * @param entries the executables and the symlinks that lead to them, sorted by path
 */
@JsonPropertyOrder({"platform", "manifestDigest", "layers", "entries"})
public record PlatformWhitelist(String platform, String manifestDigest, List<String> layers, List<WhitelistEntry> entries) {

  public PlatformWhitelist {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    layers = List.copyOf(layers);
    entries = entries.stream().sorted().toList();
  }
}
