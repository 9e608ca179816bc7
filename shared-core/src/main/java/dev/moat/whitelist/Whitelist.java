package dev.moat.whitelist;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * What may run in an image: every executable of its final filesystem, bound to the image digest. The JSON
 * form is documented in docs/whitelist.md; {@link WhitelistDocument} reads and writes it, always giving the
 * same bytes for the same image.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param image the reference the user named and the digest it resolved to (an index digest for a multi-arch image)
 * @param platforms one per platform learned, sorted by platform
 */
@JsonPropertyOrder({"schemaVersion", "image", "platforms"})
public record Whitelist(String schemaVersion, ImageInfo image, List<PlatformWhitelist> platforms) {

  public static final String SCHEMA_VERSION = "moat.dev/whitelist/v1";

  public Whitelist {
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    Objects.requireNonNull(image, "image");
    platforms = platforms.stream().sorted(java.util.Comparator.comparing(PlatformWhitelist::platform)).toList();
  }

  public Whitelist(ImageInfo image, List<PlatformWhitelist> platforms) {
    this(SCHEMA_VERSION, image, platforms);
  }

  /** All entries of all platforms, in platform then path order. */
  public List<WhitelistEntry> allEntries() {
    return platforms.stream().flatMap(p -> p.entries().stream()).toList();
  }

  /**
   * The image a whitelist is bound to.
   *
   * @param reference what the user named, normalised ({@code 127.0.0.1:5000/team/app:1.0}, {@code oci:/tmp/layout:1.0})
   * @param repository the repository part alone, as runtimes report it ({@code 127.0.0.1:5000/team/app}, {@code docker.io/library/nginx})
   * @param digest the digest {@code reference} resolved to
   */
  @JsonPropertyOrder({"reference", "repository", "digest"})
  public record ImageInfo(String reference, String repository, String digest) {
    public ImageInfo {
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(digest, "digest");
    }
  }
}
