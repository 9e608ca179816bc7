package dev.moat.image;

import dev.moat.MoatException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * One repository of images: a repository in a registry, an OCI image layout, a docker archive. Everything
 * the signing, copying and whitelisting code does to images goes through this interface, so each works
 * the same on all three.
 *
 * <p>Blobs stream: {@link #openBlob} and {@link #pushBlob} never hold a layer in memory.
 */
public interface ImageRepository extends AutoCloseable {

  /** Where this is, for messages: {@code 127.0.0.1:5000/team/app}, {@code oci:/tmp/layout}. */
  String describe();

  /** Fetches a manifest or index by tag or digest; empty when there is none. */
  Optional<Manifest> findManifest(String reference) throws MoatException;

  /** Like {@link #findManifest} but a missing manifest is a {@code NOT_FOUND} failure. */
  Manifest fetchManifest(String reference) throws MoatException;

  /**
   * Stores a manifest under its digest and, when {@code tag} is not null, under the tag.
   *
   * @return whether the store itself indexed the manifest's {@code subject} (a registry with the referrers
   *     API answers {@code OCI-Subject}); when false the caller keeps the referrers fallback tag up to date
   */
  boolean pushManifest(Manifest manifest, String tag) throws MoatException;

  boolean hasBlob(Descriptor blob) throws MoatException;

  /** Opens a blob for streaming; the caller closes it. The stream is not verified: see {@link VerifyingInputStream}. */
  InputStream openBlob(Descriptor blob) throws MoatException;

  /** Streams a blob in. The store verifies the digest and size and keeps nothing on a mismatch. */
  void pushBlob(Descriptor blob, BlobSource source) throws MoatException;

  /**
   * Makes a blob present by mounting it from another repository of the same store without moving bytes.
   *
   * @return false when this store cannot mount from {@code source}; the caller then streams the blob
   */
  default boolean mountBlob(Descriptor blob, ImageRepository source) throws MoatException {
    return false;
  }

  List<String> listTags() throws MoatException;

  /**
   * The manifests that name {@code subject} as their subject, optionally of one artifact type: through the
   * referrers API where the store has one, else through the fallback tag {@code sha256-<hex>}.
   */
  List<Descriptor> referrers(Digest subject, String artifactType) throws MoatException;

  /** The reference to write in signatures: the registry repository, or the image name a layout or archive was given. */
  String identity();

  @Override
  default void close() throws MoatException {}

  /** Opens the bytes of a blob, possibly more than once (a retried upload re-opens it). */
  @FunctionalInterface
  interface BlobSource {
    InputStream open() throws MoatException;
  }
}
