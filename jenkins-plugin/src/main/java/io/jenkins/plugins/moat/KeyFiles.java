package io.jenkins.plugins.moat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Key material from credentials or step arguments, written to files only this JVM's user can read (0600,
 * set atomically at creation) and deleted by {@link #close()}. The stage runs in the controller's JVM, so
 * the files live in the controller's temporary directory: a workspace on an agent would not be readable
 * there.
 */
final class KeyFiles implements AutoCloseable {

  private final List<Path> files = new ArrayList<>();

  Path write(byte[] content) throws IOException {
    Path file = Files.createTempFile("moat-key-", ".pem", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    files.add(file);
    Files.write(file, content);
    return file;
  }

  Path write(String content) throws IOException {
    return write(content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Splits a keys argument into references the core reads (paths, env://VAR, pkcs11: URIs; separated by commas
   * or newlines) and PEM blocks given inline, which are written to files.
   */
  List<String> references(String keys) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder pem = null;
    for (String line : keys.split("\\R")) {
      if (pem == null && line.contains("-----BEGIN ")) {
        pem = new StringBuilder();
      }
      if (pem != null) {
        pem.append(line.strip()).append('\n');
        if (line.contains("-----END ")) {
          out.add(write(pem.toString()).toString());
          pem = null;
        }
      } else {
        for (String item : line.split(",")) {
          if (!item.isBlank()) {
            out.add(item.strip());
          }
        }
      }
    }
    if (pem != null) {
      throw new IOException("a PEM key in 'keys' has no END line");
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        failure = e;
      }
    }
    files.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
