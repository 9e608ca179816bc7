package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MoatProcess;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.PlatformWhitelist;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code moat whitelist}: one line naming the input, the documented exit code, no stack trace.
 * Each case fails before any image is read, so an OCI layout written by the CLI's own demo image builder is
 * enough; the whitelist given to export and check is written with the core's document writer.
 */
class WhitelistBadInputTest {

  static Path work;
  static final String IMAGE = "127.0.0.1:1/team/app:v1";

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    work = dir;
    MoatProcess.generateKeys(dir, "plain");
    WhitelistEntry sh = new WhitelistEntry("/bin/sh", EntryKind.SCRIPT, "0".repeat(64), 10, "0755", false, false, "/bin/busybox", null,
        "/bin/busybox", null, null, "sha256:" + "1".repeat(64));
    Whitelist whitelist = new Whitelist(new Whitelist.ImageInfo("oci:/tmp/app:v1", "oci:/tmp/app", "sha256:" + "2".repeat(64)),
        List.of(new PlatformWhitelist("linux/amd64", "sha256:" + "2".repeat(64), List.of("sha256:" + "1".repeat(64)), List.of(sh))));
    WhitelistDocument.write(whitelist, dir.resolve("whitelist.json"));
    Files.writeString(dir.resolve("events.txt"), "/bin/sh\n");
    Files.writeString(dir.resolve("garbage.json"), "{\"schemaVersion\": ");
  }

  private static MoatProcess.Result moat(String... args) throws Exception {
    return MoatProcess.run(Map.of(), work, List.of(args));
  }

  private static void assertOneCleanLine(MoatProcess.Result r, int exitCode, String mentions) {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(exitCode);
    String err = r.stderr().strip();
    assertThat(err).as("one line").doesNotContain("\n");
    assertThat(err).contains(mentions).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void attachWithoutAKeyIsABadInput() throws Exception {
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--attach"), 2, "--key");
  }

  @Test
  void aMalformedPlatformIsNamed() throws Exception {
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--platform", "amd64"), 2, "'amd64'");
  }

  @Test
  void aMalformedSizeIsNamed() throws Exception {
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--max-layer-size", "16Q"), 2, "--max-layer-size is '16Q'");
  }

  @Test
  void anUnknownExportFormatIsNamed() throws Exception {
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--export", "kubearmor,selinux"), 2, "'selinux'");
    assertOneCleanLine(moat("whitelist", "export", "whitelist.json", "--format", "selinux"), 2, "'selinux'");
  }

  @Test
  void aSelectorThatIsNotKeyEqualsValueIsNamed() throws Exception {
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--export", "kubearmor", "--selector", "app"), 2, "'app'");
    assertOneCleanLine(moat("whitelist", "export", "whitelist.json", "--format", "kubearmor", "--selector", "app=no spaces"), 2, "no spaces");
  }

  @Test
  void anInvalidNamespaceIsNamed() throws Exception {
    assertOneCleanLine(moat("whitelist", "export", "whitelist.json", "--format", "kubearmor", "--namespace", "Shop_NS"), 2, "'Shop_NS'");
    assertOneCleanLine(moat("whitelist", "learn", IMAGE, "--namespace", "Shop"), 2, "'Shop'");
  }

  @Test
  void aMissingWhitelistIsNotFound() throws Exception {
    assertOneCleanLine(moat("whitelist", "check", "no-such.json", "--events", "events.txt"), 5, "no-such.json");
    assertOneCleanLine(moat("whitelist", "export", "no-such.json", "--format", "falco"), 5, "no-such.json");
  }

  @Test
  void aFileThatIsNotAWhitelistIsABadInput() throws Exception {
    assertOneCleanLine(moat("whitelist", "check", "garbage.json", "--events", "events.txt"), 2, "garbage.json");
  }

  @Test
  void aMissingEventsFileIsNamed() throws Exception {
    MoatProcess.Result r = moat("whitelist", "check", "whitelist.json", "--events", "no-such-events.json");
    assertThat(r.exitCode()).as(r.all()).isIn(3, 5);
    assertThat(r.stderr().strip()).contains("no-such-events.json").doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void fetchWithoutAKeyIsAUsageError() throws Exception {
    MoatProcess.Result r = moat("whitelist", "fetch", IMAGE);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("--key").doesNotContain("Exception");
  }
}
