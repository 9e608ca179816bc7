package dev.moat.whitelist;

import dev.moat.MoatException;
import dev.moat.image.ImageRepository;
import dev.moat.image.Manifest;
import java.util.function.Consumer;

/**
 * Learns the executables of an image: streams its layers (decompressing and hashing them concurrently),
 * applies them in order, whiteouts and opaque directories included, and classifies what is left.
 */
public final class WhitelistLearner {

  private final LearnOptions options;
  private final Consumer<String> progress;

  public WhitelistLearner(LearnOptions options, Consumer<String> progress) {
    this.options = options;
    this.progress = progress;
  }

  /**
   * @param repository where the image is
   * @param manifest the image manifest or index the user named (already fetched)
   * @param reference what the user named, for {@link Whitelist.ImageInfo#reference()}
   */
  public Whitelist learn(ImageRepository repository, Manifest manifest, String reference) throws MoatException {
    throw new UnsupportedOperationException("contract only: built on the whitelist-learner branch");
  }
}
