package dev.moat.image;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import java.util.concurrent.TimeUnit;

/** Small real images built with umoci and turned into docker archives with skopeo, for the archive tests. */
final class TestImage {

  private TestImage() {}

  static void assumeTools() {
    for (String tool : List.of("skopeo", "umoci")) {
      assumeTrue(onPath(tool), tool + " is not installed; the docker archive tests need skopeo and umoci");
    }
    assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")), "/bin/busybox is missing; install busybox-static");
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** An OCI layout at {@code layout} with one image tagged {@code t}: busybox and a file saying {@code marker}. */
  static Path ociLayout(Path layout, String marker) throws IOException {
    Path bundle = layout.resolveSibling(layout.getFileName() + "-bundle");
    run("umoci", "init", "--layout", layout.toString());
    run("umoci", "new", "--image", layout + ":t");
    run("umoci", "unpack", "--rootless", "--image", layout + ":t", bundle.toString());
    Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
    Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
    Files.writeString(bundle.resolve("rootfs/marker"), marker, StandardCharsets.UTF_8);
    run("umoci", "repack", "--image", layout + ":t", bundle.toString());
    return layout;
  }

  /** {@code skopeo copy oci:LAYOUT:t docker-archive:FILE[:NAME]}. */
  static Path skopeoArchive(Path layout, Path file, String nameOrNull) {
    run("skopeo", "copy", "-q", "oci:" + layout + ":t", "docker-archive:" + file + (nameOrNull == null ? "" : ":" + nameOrNull));
    return file;
  }

  /** Runs a tool and returns its standard output; fails the test with its output when it exits non-zero. */
  static String run(String... command) {
    try {
      Path out = Files.createTempFile("moat-tool-", ".out");
      Path err = Files.createTempFile("moat-tool-", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail(String.join(" ", command) + " did not finish in 300 s");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          fail(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output + Files.readString(err, StandardCharsets.UTF_8));
        }
        return output;
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The regular files of a tar, in order (test images are small enough to hold). */
  static Map<String, byte[]> files(Path tar) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.isFile() && !e.isSymbolicLink()) {
          files.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return files;
  }

  /** Writes a tar of {@code files}; a value starting with {@code "->"} makes a symbolic link to the rest. */
  static Path tar(Path file, Map<String, byte[]> files) throws IOException {
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        String content = new String(f.getValue(), StandardCharsets.ISO_8859_1);
        TarArchiveEntry entry;
        if (content.startsWith("->")) {
          entry = new TarArchiveEntry(f.getKey(), TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(content.substring(2));
        } else {
          entry = new TarArchiveEntry(f.getKey());
          entry.setSize(f.getValue().length);
        }
        out.putArchiveEntry(entry);
        if (!content.startsWith("->")) {
          out.write(f.getValue());
        }
        out.closeArchiveEntry();
      }
    }
    return file;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
