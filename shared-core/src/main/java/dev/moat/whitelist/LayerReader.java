package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.Digest;
import dev.moat.image.VerifyingInputStream;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Streams one layer blob into a {@link LayerSummary}: decompresses it (gzip, zstd or none, told by the
 * magic bytes: the media type may be wrong, docker archives store gzip layers under the plain tar type),
 * walks the tar with commons-compress and hashes and classifies every candidate file on the way. Nothing is
 * written to disk and no file is held in memory: a file's bytes go through SHA-256 and the
 * {@link ElfClassifier} in 64 KiB chunks; only the first {@value #PREFIX_BYTES} bytes are kept to tell ELF
 * and {@code #!} apart.
 *
 * <p>A hostile or broken layer is a {@link Failure#LAYER_REJECTED} failure naming the layer digest (and the
 * entry where there is one): a path whose {@code ..} climbs out of the root, a hard link that does, an entry
 * claiming more bytes than the cap or than follow, more uncompressed bytes than {@code maxLayerBytes}
 * (reading stops as soon as the cap is passed), a truncated or corrupt gzip or zstd stream, bytes that are
 * not tar. Absolute paths ({@code /etc/passwd}) are taken as relative to the root, as docker and containerd
 * do.
 */
final class LayerReader {

  static final int PREFIX_BYTES = 4096;
  private static final int CHUNK = 64 * 1024;
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private final long maxLayerBytes;

  LayerReader(long maxLayerBytes) {
    this.maxLayerBytes = maxLayerBytes;
  }

  /**
   * Reads {@code blob}, the raw bytes of {@code layer} as a store serves them, to its end, checking them
   * against the layer's digest and size, and closes it.
   */
  LayerSummary read(InputStream blob, Descriptor layer) throws MoatException {
    String digest = layer.digest().toString();
    String at = null;
    try (InputStream source = new VerifyingInputStream(new SourceStream(blob), layer, "layer")) {
      BufferedInputStream buffered = new BufferedInputStream(source, CHUNK);
      Compression compression = Compression.sniff(buffered);
      CappedStream tarBytes = new CappedStream(compression.open(buffered), maxLayerBytes);
      List<LayerSummary.Change> changes = new ArrayList<>();
      TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes);
      byte[] prefix = new byte[PREFIX_BYTES];
      byte[] chunk = new byte[CHUNK];
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("cancelled");
        }
        at = entry.getName();
        LayerSummary.Change change = change(tar, entry, digest, prefix, chunk);
        if (change != null) {
          changes.add(change);
        }
      }
      at = null;
      drain(tarBytes, chunk); // tar padding after the end blocks; gzip checks its CRC at the end
      drain(buffered, chunk); // the rest of the blob, so that the digest is checked
      return new LayerSummary(digest, tarBytes.count, changes);
    } catch (SourceException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read layer " + digest + ": " + e.getCause().getMessage(), "", e);
    } catch (CapExceededException e) {
      throw new MoatException(Failure.LAYER_REJECTED,
          "layer " + digest + " expands to more than " + maxLayerBytes + " bytes" + where(at),
          "a layer this large is a decompression bomb; raise the cap only if the image is yours", e);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.INTERNAL, "reading layer " + digest + " was cancelled", "");
    } catch (IOException | RuntimeException e) {
      // RuntimeException: commons-compress and aircompressor throw unchecked ones on some malformed input
      throw new MoatException(Failure.LAYER_REJECTED, "layer " + digest + " is broken" + where(at) + ": " + e.getMessage(),
          "the layer is truncated, corrupt or not a tar archive; rebuild or re-pull the image", e);
    }
  }

  private LayerSummary.Change change(TarArchiveInputStream tar, TarArchiveEntry entry, String digest, byte[] prefix, byte[] chunk)
      throws IOException, MoatException {
    String path = normalise(entry.getName());
    if (path == null) {
      throw reject(digest, entry.getName(), "its path climbs out of the image root");
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
    if (name.equals(OPAQUE)) {
      return new LayerSummary.Opaque(parent);
    }
    if (name.startsWith(WHITEOUT)) {
      String hidden = name.substring(WHITEOUT.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw reject(digest, entry.getName(), "a whiteout that names no file");
      }
      return new LayerSummary.Whiteout(parent.isEmpty() ? hidden : parent + "/" + hidden);
    }
    if (entry.isDirectory()) {
      return path.isEmpty() ? null : new LayerSummary.Directory(path);
    }
    if (path.isEmpty()) {
      throw reject(digest, entry.getName(), "a file where the root directory is");
    }
    if (entry.isSymbolicLink()) {
      return new LayerSummary.Symlink(path, entry.getLinkName());
    }
    if (entry.isLink()) {
      String target = normalise(entry.getLinkName());
      if (target == null || target.isEmpty()) {
        throw reject(digest, entry.getName(), "a hard link to '" + entry.getLinkName() + "', outside the image root");
      }
      return new LayerSummary.Hardlink(path, target);
    }
    if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      return new LayerSummary.Special(path);
    }
    long size = entry.getSize();
    if (size < 0 || size > maxLayerBytes) {
      throw reject(digest, entry.getName(), "it claims " + size + " bytes, over the " + maxLayerBytes + "-byte layer cap");
    }
    int mode = entry.getMode() & 07777;
    return new LayerSummary.RegularFile(path, mode, size, content(tar, entry, mode, size, digest, prefix, chunk));
  }

  /** Hashes and classifies a candidate; null (bytes left for the tar stream to skip) for any other file. */
  private LayerSummary.Content content(TarArchiveInputStream tar, TarArchiveEntry entry, int mode, long size, String digest,
      byte[] prefix, byte[] chunk) throws IOException, MoatException {
    boolean exec = (mode & 0111) != 0;
    int head = tar.readNBytes(prefix, 0, (int) Math.min(size, PREFIX_BYTES));
    boolean elf = ElfClassifier.hasMagic(prefix, head);
    if (!exec && !elf) {
      return null;
    }
    ElfClassifier classifier = elf ? new ElfClassifier() : null;
    if (classifier != null) {
      classifier.feed(prefix, 0, head);
      EntryKind early = classifier.result().kind();
      if (!exec && early == null) {
        return null; // an ELF object or core file without an exec bit: nothing runs it
      }
    }
    MessageDigest sha256 = Digest.newSha256();
    sha256.update(prefix, 0, head);
    long total = head;
    int n;
    while ((n = tar.read(chunk)) >= 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("cancelled");
      }
      sha256.update(chunk, 0, n);
      if (classifier != null) {
        classifier.feed(chunk, 0, n);
      }
      total += n;
    }
    if (total != size) {
      throw reject(digest, entry.getName(), "it claims " + size + " bytes but " + total + " follow");
    }
    String hex = HexFormat.of().formatHex(sha256.digest());
    if (classifier != null) {
      ElfClassifier.Result result = classifier.result();
      EntryKind kind = result.kind();
      if (kind == null) {
        return exec ? new LayerSummary.Content(EntryKind.OTHER_EXECUTABLE, hex, null, null) : null;
      }
      return new LayerSummary.Content(kind, hex, result.interpreter(), null);
    }
    ShebangClassifier.Shebang shebang = ShebangClassifier.parse(prefix, head);
    if (shebang != null) {
      return new LayerSummary.Content(EntryKind.SCRIPT, hex, shebang.interpreter(), shebang.argument());
    }
    return new LayerSummary.Content(EntryKind.OTHER_EXECUTABLE, hex, null, null);
  }

  /**
   * A tar path relative to the root: no leading {@code /} or {@code ./}, no empty or {@code .} parts, {@code ..}
   * applied; {@code ""} for the root itself; null when {@code ..} climbs above the root.
   */
  static String normalise(String tarPath) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : tarPath.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  private static MoatException reject(String digest, String entry, String why) {
    return new MoatException(Failure.LAYER_REJECTED, "layer " + digest + " is rejected at entry '" + entry + "': " + why,
        "the layer was built by a broken or hostile tool; do not run this image");
  }

  private static String where(String entry) {
    return entry == null ? "" : " at entry '" + entry + "'";
  }

  private static void drain(InputStream in, byte[] buffer) throws IOException {
    while (in.read(buffer) >= 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("cancelled");
      }
    }
  }

  /** How a layer is compressed, told by its first bytes. */
  enum Compression {
    GZIP, ZSTD, NONE;

    static Compression sniff(BufferedInputStream in) throws IOException {
      in.mark(4);
      byte[] magic = in.readNBytes(4);
      in.reset();
      if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        return GZIP;
      }
      if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        return ZSTD;
      }
      return NONE;
    }

    InputStream open(InputStream in) throws IOException {
      switch (this) {
        case GZIP:
          return new GZIPInputStream(in, CHUNK);
        case ZSTD:
          return new ZstdInputStream(in);
        default:
          return in;
      }
    }
  }

  /** Counts the uncompressed bytes and fails the read that passes the cap. */
  private static final class CappedStream extends FilterInputStream {
    private final long cap;
    long count;

    CappedStream(InputStream in, long cap) {
      super(in);
      this.cap = cap;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // read rather than skip, so every byte is counted
      byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    private void add(int n) throws CapExceededException {
      count += n;
      if (count > cap) {
        throw new CapExceededException();
      }
    }
  }

  /** Marks a failure of the store under the layer (a network, a disk), as opposed to the layer's content. */
  private static final class SourceStream extends FilterInputStream {
    SourceStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw wrap(e);
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        throw wrap(e);
      }
    }

    private static IOException wrap(IOException e) {
      return new SourceException(e);
    }
  }

  private static final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static final class CapExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    CapExceededException() {
      super("over the layer size cap");
    }
  }
}
