package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.image.ImageLocation;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.image.RegistryOptions;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.TestImages;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistEntry;
import dev.moat.whitelist.WhitelistLearner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learns a multi-layer image built with umoci from a few hundred real binaries, busybox applets (symlinks and
 * hard links), scripts, a setuid file and libraries, with later layers that delete, replace (an opaque
 * directory) and change files; then checks every entry against a ground truth made by other tools:
 * {@code umoci unpack} of the same image, {@code find}/{@code stat}/{@code sha256sum}/{@code od}/{@code readelf}
 * over the unpacked root for files, and the kernel itself for symlinks ({@code chroot ROOTFS busybox readlink -f},
 * so absolute links resolve against the image root, not the host's). The image is read through an OCI layout,
 * a zstd re-compression of it (skopeo), a docker archive (skopeo) and a real registry.
 */
class WhitelistGroundTruthTest {

  @TempDir static Path work;
  static Path layout;
  static Map<String, Truth> files;
  static Map<String, String> links;

  record Truth(String mode, String sha256, String kind) {}

  @BeforeAll
  static void buildImageAndGroundTruth() throws Exception {
    TestImages.assumeToolsInstalled();
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static is not installed (.ci/run installs it)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/readelf")), "binutils is not installed (.ci/run installs it)");
    layout = work.resolve("layout");
    String image = layout + ":gt";
    sh("umoci", "init", "--layout", layout.toString());
    sh("umoci", "new", "--image", image);
    sh("umoci", "config", "--image", image, "--os", "linux", "--architecture", "amd64");

    // layer 1: real binaries, busybox applets, scripts, libraries
    Path rootfs = unpack(image, "b1");
    Files.createDirectories(rootfs.resolve("usr/bin"));
    Files.createDirectories(rootfs.resolve("usr/sbin"));
    Files.createSymbolicLink(rootfs.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(rootfs.resolve("sbin"), Path.of("usr/sbin"));
    copyRegularFiles(Path.of("/usr/bin"), rootfs.resolve("usr/bin"), 250);
    copyRegularFiles(Path.of("/usr/sbin"), rootfs.resolve("usr/sbin"), 80);
    for (String must : List.of("dash", "env", "true")) {
      Files.copy(Path.of("/usr/bin/" + must), rootfs.resolve("usr/bin/" + must), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.deleteIfExists(rootfs.resolve("usr/bin/sh"));
    Files.createSymbolicLink(rootfs.resolve("usr/bin/sh"), Path.of("dash"));
    Files.copy(Path.of("/bin/busybox"), rootfs.resolve("usr/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(rootfs.resolve("opt/bb/sym"));
    Files.createDirectories(rootfs.resolve("opt/bb/hard"));
    for (String applet : List.of("ls", "cat", "cp", "mv", "grep", "sed", "awk", "wget", "vi", "tar")) {
      Files.createSymbolicLink(rootfs.resolve("opt/bb/sym/" + applet), Path.of("../../../bin/busybox"));
      Files.createLink(rootfs.resolve("opt/bb/hard/" + applet), rootfs.resolve("usr/bin/busybox"));
    }
    Files.createSymbolicLink(rootfs.resolve("opt/bb/absolute-sh"), Path.of("/bin/sh"));
    Files.createSymbolicLink(rootfs.resolve("opt/bb/escape"), Path.of("../../../../../../usr/bin/busybox"));
    Files.createSymbolicLink(rootfs.resolve("opt/bb/loop-a"), Path.of("loop-b"));
    Files.createSymbolicLink(rootfs.resolve("opt/bb/loop-b"), Path.of("loop-a"));
    Files.createSymbolicLink(rootfs.resolve("opt/bb/dangling"), Path.of("/nowhere/at/all"));
    Path local = Files.createDirectories(rootfs.resolve("usr/local/bin"));
    script(local.resolve("hello.py"), "#!/usr/bin/env python3\nprint('hello')\n", "rwxr-xr-x");
    script(local.resolve("hello.sh"), "#!/bin/sh\necho hello\n", "rwxr-xr-x");
    script(local.resolve("data.txt"), "not executable\n", "rw-r--r--");
    Files.copy(Path.of("/usr/bin/true"), local.resolve("suid-true"));
    sh("chmod", "4755", local.resolve("suid-true").toString());
    Path lib = Files.createDirectories(rootfs.resolve("usr/lib/x86_64-linux-gnu"));
    Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), lib.resolve("libc.so.6"));
    sh("chmod", "0755", lib.resolve("libc.so.6").toString());
    Files.copy(Path.of("/lib/x86_64-linux-gnu/libz.so.1").toRealPath(), lib.resolve("libz.so.1"));
    sh("chmod", "0644", lib.resolve("libz.so.1").toString());
    if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/crt1.o"))) {
      Files.copy(Path.of("/usr/lib/x86_64-linux-gnu/crt1.o"), lib.resolve("crt1.o")); // ET_REL without exec bit: no entry
    }
    Files.createDirectories(rootfs.resolve("opt/replace/old"));
    script(rootfs.resolve("opt/replace/old/tool"), "#!/bin/sh\nold\n", "rwxr-xr-x");
    script(rootfs.resolve("opt/becomes-file/inner"), "#!/bin/sh\ninner\n", "rwxr-xr-x");
    repack(image, "b1");

    // layer 2: deletions (whiteouts) and a changed file, as umoci computes them
    rootfs = unpack(image, "b2");
    try (Stream<Path> victims = Files.list(rootfs.resolve("usr/sbin"))) {
      for (Path victim : victims.sorted().limit(5).toList()) {
        Files.delete(victim);
      }
    }
    Files.delete(rootfs.resolve("opt/bb/hard/tar"));
    script(rootfs.resolve("usr/local/bin/hello.sh"), "#!/bin/sh\necho changed\n", "rwxr-x---");
    repack(image, "b2");

    // layer 3, written by hand: an opaque directory and a directory replaced by a file
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      dir(out, "opt/replace/");
      file(out, "opt/replace/new-tool", "#!/bin/sh\nnew\n");
      file(out, "opt/replace/.wh..wh..opq", "");
      file(out, "opt/.wh.becomes-file", "");
      file(out, "opt/becomes-file", "#!/bin/sh\nnow a file\n");
    }
    Path hand = Files.write(work.resolve("hand.tar"), tar.toByteArray());
    sh("umoci", "raw", "add-layer", "--image", image, hand.toString());

    Path truthRoot = unpack(image, "truth");
    files = fileTruth(truthRoot);
    links = linkTruth(truthRoot);
  }

  @Test
  void learnedEntriesOfTheLayoutMatchTheUnpackedImageExactly() throws Exception {
    Whitelist learned = learn("oci:" + layout + ":gt");
    List<WhitelistEntry> entries = learned.platforms().get(0).entries();

    Map<String, Truth> learnedFiles = entries.stream().filter(e -> e.kind().isFile())
        .collect(Collectors.toMap(WhitelistEntry::path, e -> new Truth(e.mode(), e.sha256(), e.kind().jsonName()), (a, b) -> a, TreeMap::new));
    Map<String, String> learnedLinks = entries.stream().filter(e -> e.kind() == EntryKind.SYMLINK)
        .collect(Collectors.toMap(WhitelistEntry::path, WhitelistEntry::target, (a, b) -> a, TreeMap::new));

    assertThat(files).hasSizeGreaterThan(300);
    assertThat(learnedFiles).isEqualTo(files);
    assertThat(learnedLinks).isEqualTo(links);
    Map<String, WhitelistEntry> byPath = entries.stream().collect(Collectors.toMap(WhitelistEntry::path, e -> e));
    for (WhitelistEntry link : entries.stream().filter(e -> e.kind() == EntryKind.SYMLINK).toList()) {
      assertThat(link.sha256()).isEqualTo(byPath.get(link.target()).sha256());
    }
    assertThat(byPath.get("/usr/local/bin/suid-true").setuid()).isTrue();
    assertThat(byPath.get("/usr/local/bin/hello.sh").interpreterResolved()).isEqualTo(links.get("/usr/bin/sh"));
    assertThat(byPath.get("/usr/local/bin/hello.py").interpreterArgs()).isEqualTo("python3");
    assertThat(byPath.get("/usr/local/bin/hello.py").interpreterResolved()).isEqualTo("/usr/bin/env");
    assertThat(byPath.get("/usr/lib/x86_64-linux-gnu/libz.so.1").kind()).isEqualTo(EntryKind.ELF_SHARED_LIBRARY);
    assertThat(byPath.get("/opt/bb/hard/ls").hardlinkOf()).isNotNull();
    assertThat(byPath).doesNotContainKeys("/opt/bb/hard/tar", "/opt/replace/old/tool", "/opt/becomes-file/inner");
    assertThat(byPath).containsKeys("/opt/replace/new-tool", "/opt/becomes-file");
    assertThat(byPath.get("/opt/becomes-file").layer()).isEqualTo(learned.platforms().get(0).layers().get(2));
  }

  @Test
  void zstdLayersDockerArchivesAndRegistriesGiveTheSameEntriesAndTwoLearnsTheSameBytes() throws Exception {
    Whitelist fromLayout = learn("oci:" + layout + ":gt");
    assertThat(WhitelistDocument.toBytes(learn("oci:" + layout + ":gt"))).isEqualTo(WhitelistDocument.toBytes(fromLayout));

    Path zstd = work.resolve("zstd");
    sh("skopeo", "copy", "-q", "--dest-compress-format", "zstd", "oci:" + layout + ":gt", "oci:" + zstd + ":gt");
    try (dev.moat.image.OciLayout zstdLayout = dev.moat.image.OciLayout.open(zstd)) {
      assertThat(zstdLayout.fetchManifest("gt").layers()).allSatisfy(l -> assertThat(l.mediaType()).endsWith("+zstd"));
    }
    assertThat(withoutLayers(learn("oci:" + zstd + ":gt"))).isEqualTo(withoutLayers(fromLayout));

    Path archive = work.resolve("image.tar");
    sh("skopeo", "copy", "-q", "oci:" + layout + ":gt", "docker-archive:" + archive + ":moat/gt:1");
    assertThat(withoutLayers(learn("docker-archive:" + archive))).isEqualTo(withoutLayers(fromLayout));

    try (LocalRegistry registry = LocalRegistry.plain()) {
      TestImages.push(layout, "gt", registry, "moat/gt:1");
      Whitelist fromRegistry = learn(registry.host() + "/moat/gt:1");
      assertThat(fromRegistry.platforms().get(0).entries()).isEqualTo(fromLayout.platforms().get(0).entries());
      assertThat(fromRegistry.image().repository()).isEqualTo(registry.host() + "/moat/gt");
    }
  }

  /** Entries without the layer digests (a re-compression changes them). */
  private static List<String> withoutLayers(Whitelist whitelist) {
    return whitelist.platforms().get(0).entries().stream()
        .map(e -> String.join("|", e.path(), e.kind().jsonName(), e.sha256(), e.mode(), String.valueOf(e.target()),
            String.valueOf(e.interpreterResolved()), String.valueOf(e.hardlinkOf())))
        .toList();
  }

  private static Whitelist learn(String location) throws Exception {
    try (ImageStores stores = new ImageStores(RegistryOptions.defaults())) {
      ImageStores.Source source = stores.openSource(ImageLocation.parse(location));
      Manifest manifest = source.repository().fetchManifest(source.reference());
      return new WhitelistLearner(LearnOptions.defaults(), line -> {}).learn(source.repository(), manifest, location);
    }
  }

  private static Map<String, Truth> fileTruth(Path rootfs) throws Exception {
    String script = """
        cd "$1"
        find . -type f | LC_ALL=C sort | while IFS= read -r f; do
          mode=$(stat -c %a "$f"); exec=$(( 0$mode & 0111 ))
          magic=$(head -c4 "$f" | od -An -tx1 | tr -d ' \\n')
          kind=
          if [ "$magic" = 7f454c46 ]; then
            type=$(readelf -hW "$f" | sed -n 's/^ *Type: *\\([A-Z]*\\).*/\\1/p')
            case $type in
              EXEC) kind=elf-executable ;;
              DYN) if readelf -lW "$f" | grep -q 'program interpreter' || readelf -dW "$f" | grep FLAGS_1 | grep -q PIE; then kind=elf-pie; else kind=elf-shared-library; fi ;;
              *) [ $exec -ne 0 ] && kind=other-executable ;;
            esac
          elif [ $exec -ne 0 ]; then
            if [ "$(head -c2 "$f")" = '#!' ]; then kind=script; else kind=other-executable; fi
          fi
          [ -n "$kind" ] && printf '%s\\t%04o\\t%s\\t%s\\n' "${f#.}" "0$mode" "$(sha256sum < "$f" | cut -d' ' -f1)" "$kind"
        done
        """;
    Map<String, Truth> truth = new TreeMap<>();
    for (String line : sh("bash", "-c", script, "truth", rootfs.toString()).split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.split("\t");
        truth.put(f[0], new Truth(f[1], f[2], f[3]));
      }
    }
    return truth;
  }

  /** Every symlink of the image the kernel resolves (inside a chroot of it) to a file of the truth. */
  private static Map<String, String> linkTruth(Path rootfs) throws Exception {
    String script = "busybox find / -xdev -type l | while IFS= read -r l; do t=$(busybox readlink -f \"$l\") && echo \"$l|$t\"; done";
    Map<String, String> truth = new TreeMap<>();
    for (String line : sh("chroot", rootfs.toString(), "/usr/bin/busybox", "sh", "-c", script).split("\n")) {
      int bar = line.indexOf('|');
      if (bar > 0 && files.containsKey(line.substring(bar + 1))) {
        truth.put(line.substring(0, bar), line.substring(bar + 1));
      }
    }
    return truth;
  }

  private static void copyRegularFiles(Path from, Path to, int count) throws IOException {
    List<Path> sources;
    try (Stream<Path> list = Files.list(from)) {
      sources = list.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().limit(count).toList();
    }
    for (Path source : sources) {
      Files.copy(source, to.resolve(source.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private static void script(Path file, String content, String permissions) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
  }

  private static void dir(TarArchiveOutputStream out, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(040755);
    out.putArchiveEntry(entry);
    out.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream out, String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setMode(0100755);
    entry.setSize(bytes.length);
    out.putArchiveEntry(entry);
    out.write(bytes);
    out.closeArchiveEntry();
  }

  private static Path unpack(String image, String bundle) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("umoci", "unpack", "--keep-dirlinks"));
    if (!"root".equals(System.getProperty("user.name"))) {
      cmd.add("--rootless");
    }
    cmd.addAll(List.of("--image", image, work.resolve(bundle).toString()));
    sh(cmd.toArray(new String[0]));
    return work.resolve(bundle).resolve("rootfs");
  }

  private static void repack(String image, String bundle) throws Exception {
    sh("umoci", "repack", "--image", image, work.resolve(bundle).toString());
  }

  private static String sh(String... command) throws Exception {
    return TestImages.sh(work, command);
  }
}
