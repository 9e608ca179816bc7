package dev.moat.image;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies an image — a single manifest or a whole multi-platform index — from one repository to another.
 * Blobs stream from source to destination, several at a time, each verified against its digest on the
 * way; blobs the destination has are skipped, and within one registry they are mounted instead of moved.
 * Manifests are copied byte for byte, children before their index and the tag last, so a reader never
 * sees a tag whose content is incomplete.
 */
public final class ImageCopier {

  /** Told about each blob as it is done. */
  @FunctionalInterface
  public interface Progress {
    void blob(Descriptor blob, BlobOutcome outcome);

    Progress NONE = (blob, outcome) -> {};
  }

  public enum BlobOutcome { COPIED, SKIPPED, MOUNTED }

  public record Result(Manifest manifest, int copied, int skipped, int mounted, long bytesCopied) {}

  private final int parallelism;
  private final Progress progress;

  public ImageCopier(int parallelism, Progress progress) {
    this.parallelism = Math.max(1, parallelism);
    this.progress = progress;
  }

  public Result copy(ImageRepository source, String reference, ImageRepository destination, String tag) throws MoatException {
    Manifest top = source.fetchManifest(reference);
    return copy(source, top, destination, tag);
  }

  /** Copies a manifest already fetched from {@code source}. */
  public Result copy(ImageRepository source, Manifest top, ImageRepository destination, String tag) throws MoatException {
    List<Manifest> children = new ArrayList<>();
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    if (top.isIndex()) {
      for (Descriptor child : top.manifests()) {
        Manifest manifest = source.fetchManifest(child.digest().toString());
        if (manifest.isIndex()) {
          throw new MoatException(Failure.PROTOCOL, source.describe() + "@" + top.digest() + " nests an index in an index", "Moat copies one level of index");
        }
        children.add(manifest);
        manifest.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
      }
    } else {
      top.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
    }
    Counts counts = copyBlobs(source, destination, List.copyOf(blobs.values()));
    for (Manifest child : children) {
      destination.pushManifest(child, null);
    }
    destination.pushManifest(top, tag);
    return new Result(top, counts.copied.get(), counts.skipped.get(), counts.mounted.get(), counts.bytes.get());
  }

  /**
   * Copies an artifact that refers to another manifest (a signature bundle, an attestation): its blobs, then
   * the manifest, listed as a referrer of its subject at the destination.
   */
  public void copyReferrer(ImageRepository source, Manifest artifact, ImageRepository destination) throws MoatException {
    copyBlobs(source, destination, artifact.blobs());
    ReferrersIndex.attach(destination, artifact);
  }

  private record Counts(AtomicInteger copied, AtomicInteger skipped, AtomicInteger mounted, AtomicLong bytes) {}

  private Counts copyBlobs(ImageRepository source, ImageRepository destination, List<Descriptor> blobs) throws MoatException {
    Counts counts = new Counts(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicLong());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, blobs.size())), r -> {
      Thread t = new Thread(r, "moat-copy");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Descriptor blob : blobs) {
        futures.add(pool.submit(() -> {
          copyBlob(source, destination, blob, counts);
          return null;
        }));
      }
      for (Future<Void> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          futures.forEach(f -> f.cancel(true));
          if (e.getCause() instanceof MoatException moat) {
            throw moat;
          }
          throw new MoatException(Failure.INTERNAL, "copying a blob failed: " + e.getCause(), "", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MoatException(Failure.UNREACHABLE, "interrupted while copying", "");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return counts;
  }

  private void copyBlob(ImageRepository source, ImageRepository destination, Descriptor blob, Counts counts) throws MoatException {
    if (destination.hasBlob(blob)) {
      counts.skipped.incrementAndGet();
      progress.blob(blob, BlobOutcome.SKIPPED);
      return;
    }
    if (destination.mountBlob(blob, source)) {
      counts.mounted.incrementAndGet();
      progress.blob(blob, BlobOutcome.MOUNTED);
      return;
    }
    if (source instanceof RegistryRepository from && destination instanceof RegistryRepository to) {
      to.pushBlobFrom(blob, from);
    } else {
      destination.pushBlob(blob, () -> new VerifyingInputStream(source.openBlob(blob), blob, source.describe()));
    }
    counts.copied.incrementAndGet();
    counts.bytes.addAndGet(blob.size());
    progress.blob(blob, BlobOutcome.COPIED);
  }
}
