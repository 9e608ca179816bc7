package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.image.Manifest;
import dev.moat.image.OciLayout;
import dev.moat.testing.TempFiles;
import dev.moat.testing.TestImages;
import dev.moat.whitelist.ExportFormat;
import dev.moat.whitelist.ExportOptions;
import dev.moat.whitelist.ExportedFile;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistExporter;
import dev.moat.whitelist.WhitelistLearner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real enforcement: the whitelist Moat learns from an image, exported for fapolicyd, makes the real fapolicyd
 * daemon (Debian's 1.1.7) refuse every exec in the unpacked image that is not in it. Runs only as root with
 * fapolicyd and umoci installed. The daemon only watches a private ramfs (watch_fs = ramfs) and the rules
 * govern only that tree, so the machine's own execs are never in its hands; /etc/fapolicyd is backed up and
 * restored, and the daemon stopped, whatever happens (finally + a shutdown hook).
 */
class FapolicydEnforcementTest {

  private static final Path CONFIG = Path.of("/etc/fapolicyd");

  @TempDir Path work;

  @Test
  void onlyWhitelistedBinariesOfTheUnpackedImageMayRun() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "skipped: fapolicyd needs root (fanotify permission events)");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/fapolicyd")), "skipped: fapolicyd is not installed (apt-get install fapolicyd); .ci/run installs it");
    assumeTrue(TestImages.toolsAvailable(), "skipped: umoci and skopeo are not installed; .ci/run installs them");
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "skipped: busybox-static is not installed; .ci/run installs it");

    Path layout = TestImages.build(work, "1.0", "amd64", Map.of("/etc/motd", "drift test\n"));
    sh("chmod", "-R", "a+rX", layout.toString());
    Whitelist whitelist;
    try (OciLayout oci = OciLayout.open(layout)) {
      Manifest manifest = oci.fetchManifest("1.0");
      whitelist = new WhitelistLearner(LearnOptions.defaults(), s -> {}).learn(oci, manifest, "oci:" + layout + ":1.0");
    }

    Path mount = Files.createTempDirectory("moat-fapolicyd-");
    Path backup = work.resolve("fapolicyd-backup");
    Process[] daemon = new Process[1];
    Thread cleanup = new Thread(() -> restore(daemon, backup, mount));
    try {
      sh("mount", "-t", "ramfs", "ramfs", mount.toString());
      sh("umoci", "unpack", "--rootless", "--image", layout + ":1.0", mount.resolve("bundle").toString());
      Path rootfs = mount.resolve("bundle/rootfs");
      Path busybox = rootfs.resolve("bin/busybox");
      // busybox runs the applet its file is named after, so copies are named "true": exit 0 when allowed, 126 when denied
      Path copied = Files.createDirectories(rootfs.resolve("usr/local/copied")).resolve("true");
      Path dropped = Files.createDirectories(rootfs.resolve("tmp/dropped")).resolve("true");
      Files.copy(busybox, copied);
      Files.copy(busybox, dropped);
      Files.write(dropped, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
      assertThat(exec(copied)).as("before fapolicyd starts, the copy runs — %s", lastExecOutput).isZero();
      assertThat(exec(dropped)).as("before fapolicyd starts, the dropped binary runs — %s", lastExecOutput).isZero();

      List<ExportedFile> files = WhitelistExporter.of(ExportFormat.FAPOLICYD).export(whitelist, ExportOptions.defaults().withRootPrefix(rootfs.toString()));

      Runtime.getRuntime().addShutdownHook(cleanup);
      sh("cp", "-a", CONFIG.toString(), backup.toString());
      Files.writeString(CONFIG.resolve("fapolicyd.conf"), String.join("\n", "permissive = 0", "nice_val = 14", "q_size = 640", "uid = root",
          "gid = root", "do_stat_report = 0", "detailed_report = 0", "db_max_size = 50", "subj_cache_size = 1549", "obj_cache_size = 8191",
          "watch_fs = ramfs", "trust = file", "integrity = sha256", "syslog_format = rule,dec,perm,auid,pid,exe,:,path,ftype,trust",
          "rpm_sha256_only = 0", "allow_filesystem_mark = 0", ""));
      clear(CONFIG.resolve("rules.d"));
      clear(CONFIG.resolve("trust.d"));
      Files.writeString(CONFIG.resolve("fapolicyd.trust"), "");
      for (ExportedFile file : files) {
        Path dir = file.fileName().endsWith(".trust") ? CONFIG.resolve("trust.d") : CONFIG.resolve("rules.d");
        Files.write(dir.resolve(file.fileName()), file.content());
      }
      // after Moat's rules, everything else is allowed: fapolicyd governs only execs under the rootfs
      Files.writeString(CONFIG.resolve("rules.d/99-allow-rest.rules"), "allow perm=any all : all\n");
      sh("fagenrules", "--load");

      daemon[0] = new ProcessBuilder("/usr/sbin/fapolicyd", "--debug-deny").redirectErrorStream(true)
          .redirectOutput(work.resolve("fapolicyd.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (exec(dropped) != 126) {
        assertThat(daemon[0].isAlive()).as("fapolicyd is running: %s", log()).isTrue();
        assertThat(System.nanoTime()).as("fapolicyd denies within 30 s: %s", log()).isLessThan(deadline);
        Thread.sleep(100);
      }

      assertThat(exec(busybox)).as("a whitelisted binary runs — %s; fapolicyd log:%n%s", lastExecOutput, log()).isZero();
      assertThat(exec(copied)).as("a copied binary is denied (path not trusted) — %s; fapolicyd log:%n%s", lastExecOutput, log()).isEqualTo(126);
      assertThat(exec(dropped)).as("a newly dropped binary is denied — %s; fapolicyd log:%n%s", lastExecOutput, log()).isEqualTo(126);
      // the whitelisted path itself, replaced by a modified copy (a new inode, as a package update or an attacker writes it)
      Path modified = rootfs.resolve("bin/modified");
      Files.copy(busybox, modified);
      Files.write(modified, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
      Files.move(modified, busybox, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      assertThat(exec(busybox)).as("a modified whitelisted binary is denied (sha256 differs) — %s; fapolicyd log:%n%s", lastExecOutput, log()).isEqualTo(126);
      assertThat(log()).contains("path=" + copied).contains("dec=deny");
    } finally {
      restore(daemon, backup, mount);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException | IllegalArgumentException ignored) {
        // already running or never added
      }
    }
    assertThat(ProcessHandle.allProcesses().anyMatch(p -> p.info().command().orElse("").endsWith("/fapolicyd"))).isFalse();
  }

  /** Execs {@code file} from a shell (busybox applets get {@code true} as argument); a shell reports EPERM on exec as 126. */
  private int exec(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/bin/busybox", "sh", "-c", "exec \"$0\" true >/dev/null", file.toString())
        .redirectErrorStream(true).start();
    lastExecOutput = file + ": " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.waitFor();
  }

  /** What the shell said about the last {@link #exec}, for failure messages. */
  private String lastExecOutput = "";

  private String log() {
    try {
      return Files.readString(work.resolve("fapolicyd.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static synchronized void restore(Process[] daemon, Path backup, Path mount) {
    try {
      if (daemon[0] != null && daemon[0].isAlive()) {
        daemon[0].destroy();
        if (!daemon[0].waitFor(10, TimeUnit.SECONDS)) {
          daemon[0].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (Files.isDirectory(backup)) {
        TempFiles.deleteTree(CONFIG);
        new ProcessBuilder("cp", "-a", backup.toString(), CONFIG.toString()).inheritIO().start().waitFor();
        TempFiles.deleteTree(backup);
      }
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
      Files.deleteIfExists(mount);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("could not restore fapolicyd's configuration from " + backup, e);
    }
  }

  private static void clear(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
  }

  private static void sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
