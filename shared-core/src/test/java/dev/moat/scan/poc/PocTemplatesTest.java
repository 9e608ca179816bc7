package dev.moat.scan.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PocTemplatesTest {

  @TempDir Path dir;

  private static String template(String id) {
    return "id: " + id + "\ninfo: {name: " + id + ", severity: low}\nhttp:\n  - path: ['{{BaseURL}}/" + id + "']\n"
        + "    matchers: [{type: status, status: [200]}]\n";
  }

  @Test
  void withoutADirectoryTheBuiltInTemplatesOnly() throws Exception {
    assertThat(PocTemplates.load(null)).isEqualTo(PocTemplates.builtIn());
  }

  @Test
  void aDirectoryAddsItsTemplatesFromSubdirectoriesToo() throws Exception {
    Files.writeString(dir.resolve("one.yaml"), template("one"));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/two.yml"), template("two"));
    Files.writeString(dir.resolve("notes.txt"), "not a template");
    assertThat(PocTemplates.load(dir)).hasSize(PocTemplates.builtIn().size() + 2)
        .extracting(PocTemplate::id).contains("one", "two", "git-config-exposure");
    assertThat(PocTemplates.load(dir.resolve("one.yaml"))).extracting(PocTemplate::id).contains("one").doesNotContain("two");
  }

  @Test
  void aBadTemplateFailsTheWholeLoadNamingItsFileAndField() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), template("a"));
    Files.writeString(dir.resolve("b.yaml"), template("b").replace("path:", "method: DELETE\n    path:"));
    assertThatThrownBy(() -> PocTemplates.load(dir)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
      assertThat(e.getMessage()).contains(dir.resolve("b.yaml").toString()).contains("'http[0].method'");
    });
  }

  @Test
  void refusesOversizedFilesDuplicateIdsEmptyAndMissingDirectories() throws Exception {
    Files.writeString(dir.resolve("big.yaml"), template("big") + "#" + "x".repeat((int) PocTemplates.MAX_FILE_BYTES));
    assertThatThrownBy(() -> PocTemplates.load(dir)).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.getMessage()).contains("big.yaml").contains("larger than"));
    Files.delete(dir.resolve("big.yaml"));
    Files.writeString(dir.resolve("mine.yaml"), template("git-config-exposure"));
    assertThatThrownBy(() -> PocTemplates.load(dir)).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.getMessage()).contains("mine.yaml").contains("field 'id'").contains("built-in:git-config-exposure.yaml"));
    Files.delete(dir.resolve("mine.yaml"));
    assertThatThrownBy(() -> PocTemplates.load(dir)).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.getMessage()).contains("holds no *.yaml"));
    assertThatThrownBy(() -> PocTemplates.load(dir.resolve("absent"))).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
  }

  @Test
  void refusesMoreTemplatesThanTheCap() throws Exception {
    for (int i = 0; i <= PocTemplates.MAX_TEMPLATES; i++) {
      Files.writeString(dir.resolve("t" + i + ".yaml"), "");
    }
    assertThatThrownBy(() -> PocTemplates.load(dir)).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.getMessage()).contains("more than " + PocTemplates.MAX_TEMPLATES));
  }
}
