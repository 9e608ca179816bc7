package dev.moat.image;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Placeholder until the docker-archive store lands (being written on its own branch). */
public final class DockerArchive implements ImageRepository {

  private DockerArchive() {}

  public static DockerArchive open(Path file, ImageReference name) throws MoatException {
    throw new MoatException(Failure.INTERNAL, "docker-archive is not available in this build", "");
  }

  public static DockerArchive create(Path file, ImageReference name) throws MoatException {
    throw new MoatException(Failure.INTERNAL, "docker-archive is not available in this build", "");
  }

  @Override public String describe() { return "docker-archive"; }
  @Override public Optional<Manifest> findManifest(String reference) { return Optional.empty(); }
  @Override public Manifest fetchManifest(String reference) throws MoatException { throw new MoatException(Failure.INTERNAL, "n/a", ""); }
  @Override public boolean pushManifest(Manifest manifest, String tag) throws MoatException { throw new MoatException(Failure.INTERNAL, "n/a", ""); }
  @Override public boolean hasBlob(Descriptor blob) { return false; }
  @Override public InputStream openBlob(Descriptor blob) throws MoatException { throw new MoatException(Failure.INTERNAL, "n/a", ""); }
  @Override public void pushBlob(Descriptor blob, BlobSource source) throws MoatException { throw new MoatException(Failure.INTERNAL, "n/a", ""); }
  @Override public List<String> listTags() { return List.of(); }
  @Override public List<Descriptor> referrers(Digest subject, String artifactType) { return List.of(); }
  @Override public String identity() { return "docker-archive"; }
}
