package dev.moat.image;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Path;

/**
 * Where an image is: a registry reference ({@code registry/repo:tag}, optionally prefixed {@code docker://}),
 * an OCI layout ({@code oci:DIR[:TAG]}) or a docker archive ({@code docker-archive:FILE[:NAME:TAG]}).
 */
public sealed interface ImageLocation {

  static ImageLocation parse(String text) throws MoatException {
    if (text == null || text.isBlank()) {
      throw new MoatException(Failure.INVALID_INPUT, "no image given", "give a registry reference, oci:DIR[:TAG] or docker-archive:FILE");
    }
    if (text.startsWith("oci:")) {
      String rest = text.substring(4);
      int slash = rest.lastIndexOf('/');
      int colon = rest.lastIndexOf(':');
      String dir = rest;
      String tag = null;
      if (colon > slash) {
        dir = rest.substring(0, colon);
        tag = rest.substring(colon + 1);
        if (tag.isEmpty()) {
          tag = null;
        }
      }
      if (dir.isEmpty()) {
        throw new MoatException(Failure.INVALID_INPUT, "'" + text + "' names no directory", "write oci:DIR or oci:DIR:TAG");
      }
      return new Layout(Path.of(dir), tag);
    }
    if (text.startsWith("docker-archive:")) {
      String rest = text.substring("docker-archive:".length());
      String file = rest;
      String name = null;
      int colon = rest.indexOf(':');
      if (colon > 0) {
        file = rest.substring(0, colon);
        name = rest.substring(colon + 1);
        if (name.isEmpty()) {
          name = null;
        }
      }
      if (file.isEmpty()) {
        throw new MoatException(Failure.INVALID_INPUT, "'" + text + "' names no file", "write docker-archive:FILE");
      }
      return new Archive(Path.of(file), name == null ? null : ImageReference.parse(name));
    }
    String ref = text.startsWith("docker://") ? text.substring("docker://".length()) : text;
    return new Registry(ImageReference.parse(ref));
  }

  /** A repository in a registry. */
  record Registry(ImageReference reference) implements ImageLocation {
    @Override
    public String toString() {
      return reference.toString();
    }
  }

  /** An OCI image layout; {@code tag} null means the only image in it. */
  record Layout(Path directory, String tag) implements ImageLocation {
    @Override
    public String toString() {
      return "oci:" + directory + (tag == null ? "" : ":" + tag);
    }
  }

  /** A {@code docker save} tarball; {@code name} null means the only image in it. */
  record Archive(Path file, ImageReference name) implements ImageLocation {
    @Override
    public String toString() {
      return "docker-archive:" + file + (name == null ? "" : ":" + name);
    }
  }
}
