package dev.moat.whitelist;

import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds layer tarballs in memory with commons-compress, for tests. */
final class TarLayer {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  TarLayer() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  TarLayer file(String path, int mode, byte[] content) {
    TarArchiveEntry entry = new TarArchiveEntry(path, true);
    entry.setMode(0100000 | mode);
    entry.setSize(content.length);
    return put(entry, content);
  }

  TarLayer file(String path, int mode, String content) {
    return file(path, mode, content.getBytes(StandardCharsets.UTF_8));
  }

  TarLayer dir(String path) {
    TarArchiveEntry entry = new TarArchiveEntry(path.endsWith("/") ? path : path + "/", true);
    entry.setMode(040755);
    return put(entry, null);
  }

  TarLayer symlink(String path, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK, true);
    entry.setLinkName(target);
    return put(entry, null);
  }

  TarLayer hardlink(String path, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(path, TarArchiveEntry.LF_LINK, true);
    entry.setLinkName(target);
    entry.setMode(0100755);
    return put(entry, null);
  }

  private TarLayer put(TarArchiveEntry entry, byte[] content) {
    try {
      tar.putArchiveEntry(entry);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] tar() {
    try {
      tar.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] gzip() {
    return gzip(tar());
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Compresses with the real {@code zstd} command line tool. */
  static byte[] zstd(byte[] data, Path work) throws IOException, InterruptedException {
    Path in = Files.write(work.resolve("layer.tar"), data);
    Process p = new ProcessBuilder("zstd", "-q", "-f", "-19", in.toString(), "-o", work.resolve("layer.tar.zst").toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("zstd failed: " + output);
    }
    return Files.readAllBytes(work.resolve("layer.tar.zst"));
  }

  /** Reads each blob as a layer and applies them in order. */
  static ImageFilesystem apply(long maxLayerBytes, byte[]... layers) throws MoatException {
    ImageFilesystem filesystem = new ImageFilesystem();
    for (byte[] layer : layers) {
      filesystem.apply(read(maxLayerBytes, layer));
    }
    return filesystem;
  }

  static List<WhitelistEntry> entries(byte[]... layers) throws MoatException {
    return apply(LearnOptions.DEFAULT_MAX_LAYER_BYTES, layers).entries().stream().sorted().toList();
  }

  static LayerSummary read(long maxLayerBytes, byte[] blob) throws MoatException {
    return new LayerReader(maxLayerBytes).read(new ByteArrayInputStream(blob), descriptor(blob));
  }

  static Descriptor descriptor(byte[] blob) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, blob);
  }
}
