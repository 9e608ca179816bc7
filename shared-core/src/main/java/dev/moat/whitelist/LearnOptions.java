package dev.moat.whitelist;

/**
 * How to learn a whitelist.
 *
 * @param platform {@code os/arch[/variant]} to pick from an index, or {@code all}; ignored for a single-platform image
 * @param maxLayerBytes cap on the uncompressed bytes of any one layer (a gzip bomb stops here)
 * @param threads how many layers to decompress and hash at once
 */
public record LearnOptions(String platform, long maxLayerBytes, int threads) {

  public static final String ALL_PLATFORMS = "all";
  public static final String DEFAULT_PLATFORM = "linux/amd64";
  /** 16 GiB: above any sane layer, below what fills a disk or takes all night. */
  public static final long DEFAULT_MAX_LAYER_BYTES = 16L << 30;

  public static LearnOptions defaults() {
    return new LearnOptions(DEFAULT_PLATFORM, DEFAULT_MAX_LAYER_BYTES, Runtime.getRuntime().availableProcessors());
  }

  public LearnOptions withPlatform(String value) {
    return new LearnOptions(value, maxLayerBytes, threads);
  }

  public LearnOptions withMaxLayerBytes(long value) {
    return new LearnOptions(platform, value, threads);
  }
}
