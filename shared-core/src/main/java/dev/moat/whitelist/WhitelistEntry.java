package dev.moat.whitelist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One executable of an image's final filesystem, or one symlink that leads to one.
 *
 * @param path absolute path in the image, normalised ({@code /usr/bin/ls})
 * @param kind what it is
 * @param sha256 lower-case hex SHA-256 of the content; for a symlink, of its resolved target
 * @param size content size in bytes; for a symlink, of its resolved target
 * @param mode permission bits as four octal digits ({@code 4755}), setuid/setgid/sticky included
 * @param setuid whether the setuid bit is set (for a symlink, on its target)
 * @param setgid whether the setgid bit is set (for a symlink, on its target)
 * @param interpreter ELF PT_INTERP, or a script's {@code #!} interpreter as written; null when none
 * @param interpreterArgs the rest of a {@code #!} line after the interpreter ({@code python3} for {@code /usr/bin/env python3}); null when none
 * @param interpreterResolved {@code interpreter} with symlinks resolved against the image root; null when it
 *     does not exist in the image
 * @param target for a symlink, the path it finally resolves to; null otherwise
 * @param hardlinkOf for a hardlink, the path of the file it links to; null otherwise
 * @param layer digest of the layer that last wrote this path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "kind", "sha256", "size", "mode", "setuid", "setgid", "interpreter", "interpreterArgs",
    "interpreterResolved", "target", "hardlinkOf", "layer"})
public record WhitelistEntry(
    String path,
    EntryKind kind,
    String sha256,
    long size,
    String mode,
    boolean setuid,
    boolean setgid,
    String interpreter,
    String interpreterArgs,
    String interpreterResolved,
    String target,
    String hardlinkOf,
    String layer) implements Comparable<WhitelistEntry> {

  public WhitelistEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(mode, "mode");
  }

  /** The path the kernel finally executes: the target for a symlink, the path itself otherwise. */
  public String executedPath() {
    return kind == EntryKind.SYMLINK ? target : path;
  }

  /** Entries sort by path, byte-wise (what {@code LC_ALL=C sort} gives). */
  @Override
  public int compareTo(WhitelistEntry other) {
    return path.compareTo(other.path);
  }
}
