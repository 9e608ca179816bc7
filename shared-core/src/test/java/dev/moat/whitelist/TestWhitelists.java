package dev.moat.whitelist;

import java.util.ArrayList;
import java.util.List;

/** Whitelists built in tests, entry by entry. */
final class TestWhitelists {

  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final String AMD64 = "sha256:" + "cd".repeat(32);
  static final String ARM64 = "sha256:" + "ef".repeat(32);

  private TestWhitelists() {}

  static WhitelistEntry file(String path, String sha256, long size) {
    return new WhitelistEntry(path, EntryKind.ELF_EXECUTABLE, sha256, size, "0755", false, false, null, null, null, null, null, "sha256:" + "00".repeat(32));
  }

  static WhitelistEntry link(String path, String target, String sha256) {
    return new WhitelistEntry(path, EntryKind.SYMLINK, sha256, 10, "0755", false, false, null, null, null, target, null, "sha256:" + "00".repeat(32));
  }

  static String hash(char c) {
    return String.valueOf(c).repeat(64);
  }

  /** busybox with two applet links, a shell script, a file with a space, on two platforms. */
  static Whitelist sample() {
    List<WhitelistEntry> amd = List.of(
        file("/bin/busybox", hash('a'), 1000),
        link("/bin/ls", "/bin/busybox", hash('a')),
        link("/bin/sh", "/bin/busybox", hash('a')),
        file("/usr/local/bin/entry point.sh", hash('b'), 42),
        file("/usr/bin/app", hash('c'), 5000));
    List<WhitelistEntry> arm = List.of(
        file("/bin/busybox", hash('d'), 1100),
        link("/bin/ls", "/bin/busybox", hash('d')),
        file("/usr/bin/app", hash('e'), 5100));
    return new Whitelist(new Whitelist.ImageInfo("127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000/team/app", DIGEST),
        List.of(new PlatformWhitelist("linux/amd64", AMD64, List.of(), amd), new PlatformWhitelist("linux/arm64", ARM64, List.of(), arm)));
  }

  /** {@code count} files spread over directories the way a big distribution image is. */
  static Whitelist large(int count) {
    List<WhitelistEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String dir = i % 3 == 0 ? "/usr/bin/" : i % 3 == 1 ? "/usr/lib/x86_64-linux-gnu/pkg" + (i % 7) + "/" : "/opt/tool" + (i % 11) + "/bin/";
      entries.add(file(dir + "f" + i, hash('a'), i));
    }
    entries.add(file("/init", hash('b'), 1));
    entries.add(file("/usr/sbin-direct", hash('b'), 1));
    return new Whitelist(new Whitelist.ImageInfo("registry.example/big:1", "registry.example/big", DIGEST),
        List.of(new PlatformWhitelist("linux/amd64", AMD64, List.of(), entries)));
  }
}
