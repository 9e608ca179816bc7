package dev.moat.whitelist;

import java.util.List;

/**
 * What one layer does to the filesystem below it, in tar order, with the content of every candidate file
 * already hashed and classified: the output of {@link LayerReader}, the input of {@link ImageFilesystem}.
 * Small: one record per tar entry, no content.
 *
 * @param digest the layer blob's digest
 * @param uncompressedBytes bytes of tar read
 * @param changes the entries, in tar order
 */
record LayerSummary(String digest, long uncompressedBytes, List<Change> changes) {

  LayerSummary {
    changes = List.copyOf(changes);
  }

  /** One tar entry, its path normalised (relative to the image root, no leading slash). */
  sealed interface Change permits Directory, RegularFile, Symlink, Hardlink, Whiteout, Opaque, Special {
    String path();
  }

  record Directory(String path) implements Change {}

  /**
   * A regular file. {@code content} is null for a file that is no candidate (no exec bit, no ELF
   * executable or library): its bytes were not hashed.
   */
  record RegularFile(String path, int mode, long size, Content content) implements Change {}

  /** A symbolic link; {@code target} exactly as the tar header has it. */
  record Symlink(String path, String target) implements Change {}

  /** A hard link to {@code target}, a normalised path relative to the root. */
  record Hardlink(String path, String target) implements Change {}

  /** {@code .wh.<name>}: {@code path} (the name, in its directory) and everything under it go. */
  record Whiteout(String path) implements Change {}

  /** {@code .wh..wh..opq}: what lower layers put in directory {@code path} goes. */
  record Opaque(String path) implements Change {}

  /** A device, a FIFO: not executable, but it replaces whatever was at {@code path}. */
  record Special(String path) implements Change {}

  /**
   * What a candidate file holds.
   *
   * @param kind its entry kind
   * @param sha256 lower-case hex
   * @param interpreter PT_INTERP or the {@code #!} interpreter; null when none
   * @param interpreterArgs the {@code #!} argument; null when none
   */
  record Content(EntryKind kind, String sha256, String interpreter, String interpreterArgs) {}
}
