package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.ImageRepository;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.MediaTypes;
import dev.moat.image.VerifyingInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Learns the executables of an image: streams its layers (decompressing and hashing them concurrently),
 * applies them in order, whiteouts and opaque directories included, and classifies what is left.
 *
 * <p>Each layer is read by a {@link LayerReader} on a pool of {@link LearnOptions#threads()} threads into a
 * small {@link LayerSummary}; the summaries are applied to an {@link ImageFilesystem} strictly in layer order
 * as they arrive. When one layer fails, the others are cancelled and the failure is thrown. Memory stays
 * bounded: no layer and no file is held, only one summary record per tar entry. How learning works is in
 * docs/whitelist.md ("How moat whitelist learn learns an image").
 */
public final class WhitelistLearner {

  private static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

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
    String wanted = options.platform() == null ? LearnOptions.DEFAULT_PLATFORM : options.platform();
    boolean all = LearnOptions.ALL_PLATFORMS.equals(wanted);
    if (!all && !wanted.matches("[^/\\s]+/[^/\\s]+(/[^/\\s]+)?")) {
      throw new MoatException(Failure.INVALID_INPUT, "platform '" + wanted + "' is not os/arch[/variant]",
          "write e.g. linux/amd64, linux/arm64/v8, or all");
    }
    if (options.threads() < 1 || options.maxLayerBytes() < 1) {
      throw new MoatException(Failure.INVALID_INPUT,
          "threads (" + options.threads() + ") and the layer cap (" + options.maxLayerBytes() + ") must be positive", "");
    }
    List<PlatformWhitelist> platforms = new ArrayList<>();
    if (manifest.isIndex()) {
      Map<String, Descriptor> images = new LinkedHashMap<>();
      for (Descriptor child : manifest.manifests()) {
        Descriptor.Platform p = child.platform();
        if (p == null || p.os() == null || p.architecture() == null || "unknown".equals(p.os())
            || "unknown".equals(p.architecture()) || !MediaTypes.isManifest(child.mediaType())) {
          continue; // attestations (unknown/unknown), nested indexes, artifacts
        }
        images.putIfAbsent(p.toString(), child);
      }
      List<String> chosen = all ? List.copyOf(images.keySet()) : images.keySet().stream().filter(p -> matches(wanted, p)).limit(1).toList();
      if (chosen.isEmpty()) {
        throw new MoatException(Failure.NOT_FOUND,
            reference + " has no image for platform " + wanted + "; it has: "
                + (images.isEmpty() ? "none" : String.join(", ", images.keySet())),
            "pick one with --platform, or learn them all with --platform all");
      }
      for (String platform : chosen) {
        Manifest image = repository.fetchManifest(images.get(platform).digest().toString());
        platforms.add(learnImage(repository, image, platform));
      }
    } else {
      platforms.add(learnImage(repository, manifest, platformOf(repository, manifest)));
    }
    return new Whitelist(new Whitelist.ImageInfo(reference, repository.identity(), manifest.digest().toString()), platforms);
  }

  /** Whether {@code available} ({@code os/arch[/variant]}) is what {@code wanted} asks; no variant asked: any. */
  static boolean matches(String wanted, String available) {
    String[] w = wanted.split("/");
    String[] a = available.split("/");
    if (!w[0].equals(a[0]) || !w[1].equals(a[1])) {
      return false;
    }
    return w.length < 3 || (a.length >= 3 && w[2].equals(a[2]));
  }

  private PlatformWhitelist learnImage(ImageRepository repository, Manifest image, String platform) throws MoatException {
    List<Descriptor> layers = image.layers();
    int threads = Math.max(1, Math.min(options.threads(), layers.size()));
    AtomicInteger number = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "moat-layer-" + number.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<LayerSummary>> futures = new ArrayList<>();
    try {
      LayerReader reader = new LayerReader(options.maxLayerBytes());
      for (Descriptor layer : layers) {
        futures.add(pool.submit(() -> reader.read(repository.openBlob(layer), layer)));
      }
      ImageFilesystem filesystem = new ImageFilesystem();
      for (int i = 0; i < layers.size(); i++) {
        LayerSummary summary = await(futures.get(i));
        filesystem.apply(summary);
        progress.accept(String.format("%s layer %d/%d %s: %d bytes, %d tar entries", platform, i + 1, layers.size(),
            summary.digest(), summary.uncompressedBytes(), summary.changes().size()));
      }
      List<WhitelistEntry> entries = filesystem.entries();
      progress.accept(platform + ": " + entries.size() + " entries");
      return new PlatformWhitelist(platform, image.digest().toString(),
          layers.stream().map(l -> l.digest().toString()).toList(), entries);
    } finally {
      futures.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
  }

  private static LayerSummary await(Future<LayerSummary> future) throws MoatException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.INTERNAL, "learning was interrupted", "");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MoatException m) {
        throw m;
      }
      throw new MoatException(Failure.INTERNAL, "reading a layer failed: " + e.getCause(), "", e.getCause());
    }
  }

  /** {@code os/arch[/variant]} from the image config. */
  private static String platformOf(ImageRepository repository, Manifest image) throws MoatException {
    Descriptor config = image.config().orElseThrow(() -> new MoatException(Failure.PROTOCOL,
        repository.describe() + "@" + image.digest() + " is a manifest without a config", "it is not an image"));
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new MoatException(Failure.PROTOCOL, "the image config " + config.digest() + " has " + config.size()
          + " bytes, over the " + MAX_CONFIG_BYTES + "-byte limit", "");
    }
    byte[] bytes;
    try (InputStream in = new VerifyingInputStream(repository.openBlob(config), config, repository.describe())) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new MoatException(Failure.PROTOCOL, "cannot read the image config " + config.digest() + ": " + e.getMessage(), "", e);
    }
    JsonNode json = Json.tree(bytes, repository.describe() + "@" + config.digest());
    String os = json.path("os").asText("");
    String arch = json.path("architecture").asText("");
    String variant = json.path("variant").asText("");
    if (os.isEmpty() || arch.isEmpty()) {
      return "unknown/unknown";
    }
    return os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant);
  }
}
