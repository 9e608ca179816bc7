package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.whitelist.ExportedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Writes exported policy files into a directory, each through a temporary file and a rename. */
public final class PolicyDirectory {

  private PolicyDirectory() {}

  /** @return the files written, in the order given */
  public static List<Path> write(Path dir, List<ExportedFile> files) throws MoatException {
    List<Path> written = new ArrayList<>();
    Path root = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      for (ExportedFile file : files) {
        Path target = root.resolve(file.fileName()).normalize();
        if (!root.equals(target.getParent())) {
          throw new MoatException(Failure.INTERNAL, "exporter named a file outside its directory: " + file.fileName(), "");
        }
        Path tmp = Files.createTempFile(root, "." + file.fileName(), ".tmp");
        try {
          Files.write(tmp, file.content());
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
        written.add(dir.resolve(file.fileName()));
      }
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write policies to " + dir + ": " + e.getMessage(), "check that the directory is writable");
    }
    return written;
  }
}
