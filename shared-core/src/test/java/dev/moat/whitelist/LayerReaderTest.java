package dev.moat.whitelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decompression by magic bytes, and every hostile layer refused with LAYER_REJECTED naming the layer. */
class LayerReaderTest {

  private static final String SCRIPT = "#!/bin/sh\necho hi\n";

  @TempDir Path work;

  private static void assertRejected(long cap, byte[] blob, String... fragments) {
    assertThatThrownBy(() -> TarLayer.read(cap, blob)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.LAYER_REJECTED);
      assertThat(e.getMessage()).contains(TarLayer.descriptor(blob).digest().toString()).contains(fragments);
    });
  }

  @Test
  void readsPlainGzipAndZstdLayersAlike() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/zstd")), "the zstd command line tool is not installed");
    byte[] tar = new TarLayer().file("bin/s", 0755, SCRIPT).file("lib/data", 0644, "x").tar();

    LayerSummary plain = TarLayer.read(Long.MAX_VALUE, tar);
    LayerSummary gzip = TarLayer.read(Long.MAX_VALUE, TarLayer.gzip(tar));
    LayerSummary zstd = TarLayer.read(Long.MAX_VALUE, TarLayer.zstd(tar, work));

    assertThat(plain.changes()).hasSize(2).isEqualTo(gzip.changes()).isEqualTo(zstd.changes());
    assertThat(plain.uncompressedBytes()).isEqualTo(tar.length).isEqualTo(gzip.uncompressedBytes()).isEqualTo(zstd.uncompressedBytes());
    assertThat(((LayerSummary.RegularFile) plain.changes().get(1)).content()).isNull(); // not a candidate: not hashed
  }

  @Test
  void absolutePathsAreTakenFromTheRootAndDotSlashesAndDoubleSlashesVanish() throws Exception {
    byte[] layer = new TarLayer().file("/usr//bin/./a", 0755, SCRIPT).file("./usr/bin/x/../b", 0755, SCRIPT).gzip();

    assertThat(TarLayer.read(Long.MAX_VALUE, layer).changes()).extracting(LayerSummary.Change::path).containsExactly("usr/bin/a", "usr/bin/b");
  }

  @Test
  void aPathClimbingOutOfTheRootIsRejected() {
    assertRejected(Long.MAX_VALUE, new TarLayer().file("../../etc/passwd", 0755, SCRIPT).gzip(), "../../etc/passwd", "climbs out");
    assertRejected(Long.MAX_VALUE, new TarLayer().file("usr/../../x", 0755, SCRIPT).gzip(), "usr/../../x");
  }

  @Test
  void aHardlinkClimbingOutOfTheRootIsRejected() {
    assertRejected(Long.MAX_VALUE, new TarLayer().hardlink("bin/x", "../../../etc/shadow").gzip(), "bin/x", "outside the image root");
  }

  @Test
  void aGzipBombStopsAtTheCap() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (int file = 0; file < 10; file++) { // 10 files of 5 MiB of zeros: each under the cap, together 50 MiB
        gz.write(header("zeros-" + file, 5L << 20));
        for (int i = 0; i < 5; i++) {
          gz.write(zeros);
        }
      }
    }
    byte[] bomb = out.toByteArray();
    assertThat(bomb.length).isLessThan(1 << 20);

    assertRejected(10L << 20, bomb, "expands to more than " + (10L << 20) + " bytes");
  }

  @Test
  void anEntryClaimingTenGigabytesFailsAtTheCapOrAtTheEndOfTheStream() throws Exception {
    byte[] claim = concat(header("bin/huge", 10L << 30), new byte[4096]);
    byte[] exec = concat(header("bin/huge", 10L << 30, 0755), "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), new byte[4096]);

    assertRejected(1L << 30, TarLayer.gzip(claim), "bin/huge", "claims " + (10L << 30) + " bytes");
    assertRejected(16L << 30, TarLayer.gzip(claim), "bin/huge");
    assertRejected(16L << 30, TarLayer.gzip(exec), "bin/huge");
  }

  @Test
  void aTruncatedGzipStreamIsRejected() {
    byte[] gzip = new TarLayer().file("bin/s", 0755, SCRIPT + "x".repeat(100_000)).gzip();

    assertRejected(Long.MAX_VALUE, Arrays.copyOf(gzip, gzip.length / 2), "broken");
  }

  @Test
  void garbageThatIsNoTarIsRejected() {
    byte[] garbage = new byte[10_000];
    new Random(42).nextBytes(garbage);
    garbage[0] = 'x'; // not a gzip or zstd magic

    assertRejected(Long.MAX_VALUE, garbage, "broken");
    assertRejected(Long.MAX_VALUE, TarLayer.gzip(garbage), "broken");
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsRejected() {
    byte[] layer = new TarLayer().file("bin/s", 0755, SCRIPT).gzip();
    dev.moat.image.Descriptor other = TarLayer.descriptor(new TarLayer().file("bin/t", 0755, SCRIPT).gzip());

    assertThatThrownBy(() -> new LayerReader(Long.MAX_VALUE).read(new java.io.ByteArrayInputStream(layer), other))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.LAYER_REJECTED));
  }

  private static byte[] header(String name, long size) throws Exception {
    return header(name, size, 0644);
  }

  /** A bare tar header (star big-number encoding for sizes over 8 GiB), no data after it. */
  private static byte[] header(String name, long size, int mode) throws Exception {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(0100000 | mode);
    entry.setSize(size);
    byte[] block = new byte[512];
    entry.writeEntryHeader(block, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), true);
    return block;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
