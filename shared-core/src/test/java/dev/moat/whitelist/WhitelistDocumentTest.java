package dev.moat.whitelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhitelistDocumentTest {

  private static final String LAYER = "sha256:" + "1".repeat(64);

  private static WhitelistEntry file(String path, EntryKind kind, String hashDigit) {
    return new WhitelistEntry(path, kind, hashDigit.repeat(64), 1234, "0755", false, false,
        kind == EntryKind.ELF_PIE ? "/lib64/ld-linux-x86-64.so.2" : null, null,
        kind == EntryKind.ELF_PIE ? "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" : null, null, null, LAYER);
  }

  private static Whitelist sample() {
    WhitelistEntry busybox = new WhitelistEntry("/bin/busybox", EntryKind.ELF_EXECUTABLE, "a".repeat(64), 2_000_000, "4755", true, false,
        null, null, null, null, null, LAYER);
    WhitelistEntry ls = new WhitelistEntry("/bin/ls", EntryKind.SYMLINK, "a".repeat(64), 2_000_000, "4755", true, false,
        null, null, null, "/bin/busybox", null, LAYER);
    WhitelistEntry script = new WhitelistEntry("/usr/local/bin/run", EntryKind.SCRIPT, "b".repeat(64), 42, "0755", false, false,
        "/usr/bin/env", "python3", "/usr/bin/env", null, null, LAYER);
    // Given out of order on purpose: the document sorts.
    PlatformWhitelist amd64 = new PlatformWhitelist("linux/amd64", "sha256:" + "2".repeat(64), List.of(LAYER),
        List.of(script, ls, file("/usr/bin/cat", EntryKind.ELF_PIE, "c"), busybox));
    PlatformWhitelist arm64 = new PlatformWhitelist("linux/arm64/v8", "sha256:" + "3".repeat(64), List.of(LAYER),
        List.of(file("/usr/bin/cat", EntryKind.ELF_PIE, "d")));
    return new Whitelist(new Whitelist.ImageInfo("127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000/team/app", "sha256:" + "4".repeat(64)),
        List.of(arm64, amd64));
  }

  @Test
  void writesEntriesAndPlatformsSortedSoTheSameWhitelistGivesTheSameBytes() throws Exception {
    byte[] once = WhitelistDocument.toBytes(sample());
    byte[] again = WhitelistDocument.toBytes(WhitelistDocument.parse(once, "first"));
    assertThat(again).isEqualTo(once);
    Whitelist read = WhitelistDocument.parse(once, "doc");
    assertThat(read.platforms()).extracting(PlatformWhitelist::platform).containsExactly("linux/amd64", "linux/arm64/v8");
    assertThat(read.platforms().get(0).entries()).extracting(WhitelistEntry::path)
        .containsExactly("/bin/busybox", "/bin/ls", "/usr/bin/cat", "/usr/local/bin/run");
    assertThat(read).isEqualTo(sample());
    assertThat(new String(once, StandardCharsets.UTF_8)).endsWith("}\n").doesNotContain("hardlinkOf");
  }

  @Test
  void documentMatchesThePublishedJsonSchema() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(mapper.readTree(projectRoot().resolve("docs/schemas/whitelist-v1.schema.json").toFile()));
    assertThat(schema.validate(mapper.readTree(WhitelistDocument.toBytes(sample())))).isEmpty();

    // The schema is not a rubber stamp: a symlink without its target is refused.
    String broken = new String(WhitelistDocument.toBytes(sample()), StandardCharsets.UTF_8).replace("\"target\" : \"/bin/busybox\",", "");
    assertThat(schema.validate(mapper.readTree(broken))).isNotEmpty();
  }

  @Test
  void symlinkEntriesAreExecutedAsTheirTargets() {
    WhitelistEntry ls = sample().platforms().get(0).entries().get(1);
    assertThat(ls.executedPath()).isEqualTo("/bin/busybox");
    assertThat(sample().platforms().get(0).entries().get(0).executedPath()).isEqualTo("/bin/busybox");
  }

  @Test
  void writeReplacesTheFileWholeAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out/whitelist.json");
    WhitelistDocument.write(sample(), file);
    WhitelistDocument.write(sample(), file);
    assertThat(WhitelistDocument.read(file)).isEqualTo(sample());
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void refusesAnotherSchemaVersionNamingTheFile() {
    byte[] other = new String(WhitelistDocument.toBytes(sample()), StandardCharsets.UTF_8)
        .replace("moat.dev/whitelist/v1", "moat.dev/whitelist/v9").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> WhitelistDocument.parse(other, "old.json"))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).contains("old.json", "moat.dev/whitelist/v9");
        });
  }

  @Test
  void refusesGarbageAndMissingFieldsWithTheFileName() {
    assertThatThrownBy(() -> WhitelistDocument.parse("{not json".getBytes(StandardCharsets.UTF_8), "garbage.json"))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).startsWith("garbage.json is not a Moat whitelist"));
    assertThatThrownBy(() -> WhitelistDocument.parse("{\"schemaVersion\":\"moat.dev/whitelist/v1\",\"platforms\":[]}".getBytes(StandardCharsets.UTF_8), "partial.json"))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).contains("partial.json", "image");
        });
    assertThatThrownBy(() -> WhitelistDocument.parse("".getBytes(StandardCharsets.UTF_8), "empty.json"))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("empty.json"));
  }

  @Test
  void aMissingFileIsNotFoundAndSaysHowToMakeOne(@TempDir Path dir) {
    assertThatThrownBy(() -> WhitelistDocument.read(dir.resolve("nope.json")))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND);
          assertThat(e.hint()).contains("moat whitelist learn");
        });
  }

  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/schemas/whitelist-v1.schema.json"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("project root with docs/schemas").isNotNull();
    return dir;
  }
}
