package dev.moat.whitelist;

import static dev.moat.whitelist.TarLayer.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Layers applied on top of each other, as overlayfs shows them, and paths resolved as the kernel does in a chroot. */
class ImageFilesystemTest {

  private static final String TOOL = "#!/bin/sh\necho tool\n";

  private static String sha(String content) {
    return HexFormat.of().formatHex(Digest.newSha256().digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static Map<String, WhitelistEntry> byPath(List<WhitelistEntry> entries) {
    return entries.stream().collect(Collectors.toMap(WhitelistEntry::path, Function.identity()));
  }

  @Test
  void listsExecutableFilesWithHashModeAndLayerAndSkipsTheRest() throws Exception {
    byte[] layer = new TarLayer().dir("./usr/bin").file("./usr/bin/tool", 04755, TOOL).file("./etc/passwd", 0644, "root:x:0:0\n")
        .file("usr/bin/noshebang", 0750, "plain\n").gzip();

    Map<String, WhitelistEntry> entries = byPath(entries(layer));

    assertThat(entries).containsOnlyKeys("/usr/bin/tool", "/usr/bin/noshebang");
    WhitelistEntry tool = entries.get("/usr/bin/tool");
    assertThat(tool.kind()).isEqualTo(EntryKind.SCRIPT);
    assertThat(tool.sha256()).isEqualTo(sha(TOOL));
    assertThat(tool.size()).isEqualTo(TOOL.length());
    assertThat(tool.mode()).isEqualTo("4755");
    assertThat(tool.setuid()).isTrue();
    assertThat(tool.setgid()).isFalse();
    assertThat(tool.interpreter()).isEqualTo("/bin/sh");
    assertThat(tool.interpreterResolved()).isNull(); // no /bin/sh in this image
    assertThat(tool.layer()).isEqualTo(TarLayer.descriptor(layer).digest().toString());
    assertThat(entries.get("/usr/bin/noshebang").kind()).isEqualTo(EntryKind.OTHER_EXECUTABLE);
    assertThat(entries.get("/usr/bin/noshebang").mode()).isEqualTo("0750");
  }

  @Test
  void aWhiteoutDeletesAFileOrAWholeSubtreeOfLowerLayers() throws Exception {
    byte[] lower = new TarLayer().file("a/x", 0755, TOOL).file("a/b/y", 0755, TOOL).file("keep", 0755, TOOL).file("gone", 0755, TOOL).gzip();
    byte[] upper = new TarLayer().file(".wh.a", 0, "").file(".wh.gone", 0, "").gzip();

    assertThat(entries(lower, upper)).extracting(WhitelistEntry::path).containsExactly("/keep");
  }

  @Test
  void anOpaqueDirectoryHidesLowerContentButKeepsItsOwnWhateverTheTarOrder() throws Exception {
    byte[] lower = new TarLayer().file("d/old", 0755, TOOL).file("d/sub/older", 0755, TOOL).gzip();
    byte[] upper = new TarLayer().dir("d").file("d/new", 0755, TOOL).file("d/.wh..wh..opq", 0, "").gzip();

    assertThat(entries(lower, upper)).extracting(WhitelistEntry::path).containsExactly("/d/new");
  }

  @Test
  void aDirectoryAndAFileReplaceEachOther() throws Exception {
    byte[] one = new TarLayer().dir("p").file("p/q", 0755, TOOL).gzip();
    byte[] two = new TarLayer().file("p", 0755, "#!/bin/bash\n").gzip();
    byte[] three = new TarLayer().dir("p").file("p/r", 0755, TOOL).gzip();

    assertThat(entries(one, two)).extracting(WhitelistEntry::path).containsExactly("/p");
    assertThat(entries(one, two, three)).extracting(WhitelistEntry::path).containsExactly("/p/r");
  }

  @Test
  void aLaterLayerChangingAFileWinsAndIsTheRecordedLayer() throws Exception {
    byte[] one = new TarLayer().file("bin/app", 0755, "#!/bin/sh\nv1\n").gzip();
    byte[] two = new TarLayer().file("bin/app", 0700, "#!/bin/sh\nv2\n").gzip();

    WhitelistEntry app = entries(one, two).get(0);
    assertThat(app.sha256()).isEqualTo(sha("#!/bin/sh\nv2\n"));
    assertThat(app.mode()).isEqualTo("0700");
    assertThat(app.layer()).isEqualTo(TarLayer.descriptor(two).digest().toString());
  }

  @Test
  void hardlinksCarryTheirTargetsContentInTheSameOrALaterLayer() throws Exception {
    byte[] one = new TarLayer().file("bin/busybox", 0755, TOOL).hardlink("bin/cat", "bin/busybox").gzip();
    byte[] two = new TarLayer().hardlink("usr/bin/cp", "./bin/cat").gzip();

    Map<String, WhitelistEntry> entries = byPath(entries(one, two));

    assertThat(entries).containsOnlyKeys("/bin/busybox", "/bin/cat", "/usr/bin/cp");
    assertThat(entries.get("/bin/cat").hardlinkOf()).isEqualTo("/bin/busybox");
    assertThat(entries.get("/bin/cat").sha256()).isEqualTo(sha(TOOL));
    assertThat(entries.get("/usr/bin/cp").hardlinkOf()).isEqualTo("/bin/busybox");
    assertThat(entries.get("/usr/bin/cp").layer()).isEqualTo(TarLayer.descriptor(two).digest().toString());
    assertThat(entries.get("/bin/busybox").hardlinkOf()).isNull();
  }

  @Test
  void symlinksResolveRelativelyAbsolutelyAndThroughSymlinkedDirectories() throws Exception {
    byte[] layer = new TarLayer()
        .symlink("bin", "usr/bin")
        .file("usr/bin/dash", 0755, "#!dash-stand-in\n")
        .symlink("usr/bin/sh", "dash")
        .symlink("sbin/shell", "/bin/sh")
        .symlink("opt/escape", "../../../../../usr/bin/dash")
        .symlink("loop/a", "b").symlink("loop/b", "a").symlink("loop/self", "self")
        .symlink("dangling", "/nowhere")
        .symlink("etc-link", "/etc")
        .file("usr/bin/script", 0755, "#!/bin/sh -e\n")
        .file("usr/bin/tool", 0755, "#!/usr/bin/env python3\n")
        .gzip();

    Map<String, WhitelistEntry> entries = byPath(entries(layer));

    assertThat(entries).containsOnlyKeys("/usr/bin/dash", "/usr/bin/sh", "/sbin/shell", "/opt/escape", "/usr/bin/script", "/usr/bin/tool");
    for (String link : List.of("/usr/bin/sh", "/sbin/shell", "/opt/escape")) {
      assertThat(entries.get(link).kind()).isEqualTo(EntryKind.SYMLINK);
      assertThat(entries.get(link).target()).isEqualTo("/usr/bin/dash");
      assertThat(entries.get(link).sha256()).isEqualTo(entries.get("/usr/bin/dash").sha256());
      assertThat(entries.get(link).mode()).isEqualTo("0755");
    }
    assertThat(entries.get("/usr/bin/script").interpreterResolved()).isEqualTo("/usr/bin/dash");
    assertThat(entries.get("/usr/bin/script").interpreterArgs()).isEqualTo("-e");
    assertThat(entries.get("/usr/bin/tool").interpreter()).isEqualTo("/usr/bin/env");
    assertThat(entries.get("/usr/bin/tool").interpreterArgs()).isEqualTo("python3");
    assertThat(entries.get("/usr/bin/tool").interpreterResolved()).isNull();
  }

  @Test
  void entriesUnderASymlinkedDirectoryLandWhereItPoints() throws Exception {
    byte[] one = new TarLayer().dir("usr/bin").symlink("bin", "usr/bin").gzip();
    byte[] two = new TarLayer().file("bin/late", 0755, TOOL).gzip();

    assertThat(entries(one, two)).extracting(WhitelistEntry::path).containsExactly("/usr/bin/late");
  }

  @Test
  void aSymlinkLoopInAnEntrysParentRejectsTheLayer() throws Exception {
    byte[] layer = new TarLayer().symlink("a", "b").symlink("b", "a").file("a/x", 0755, TOOL).gzip();

    assertThatThrownBy(() -> entries(layer)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.LAYER_REJECTED);
      assertThat(e.getMessage()).contains(TarLayer.descriptor(layer).digest().toString()).contains("loop");
    });
  }

  @Test
  void aHardlinkToNothingRejectsTheLayer() throws Exception {
    byte[] layer = new TarLayer().hardlink("bin/cat", "bin/busybox").gzip();

    assertThatThrownBy(() -> entries(layer)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.LAYER_REJECTED);
      assertThat(e.getMessage()).contains(TarLayer.descriptor(layer).digest().toString()).contains("bin/cat").contains("does not exist");
    });
  }
}
