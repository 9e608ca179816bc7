package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moat whitelist learn|export|check|fetch} as a user runs them: the real CLI jar against images built
 * with umoci (busybox-static inside) in a real registry and in OCI layouts. Ground truth for the learned hash
 * is the host's busybox, hashed here.
 */
class WhitelistCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static LocalRegistry registry;
  static Path work;
  static Path layout;
  static String image;

  @TempDir Path dir;

  @BeforeAll
  static void start(@TempDir Path temp) throws Exception {
    E2eSupport.assumeTools();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(Path.of("/bin/busybox")),
        "skipped: busybox-static is not installed (apt-get install busybox-static); .ci/run installs it");
    work = temp;
    registry = LocalRegistry.plain();
    layout = TestImages.build(temp, "v1", "amd64", Map.of("/etc/app", "whitelist"));
    TestImages.push(layout, "v1", registry, "team/app:v1");
    image = registry.host() + "/team/app:v1";
    MoatProcess.generateKeys(temp, "alice", "mallory");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private MoatProcess.Result moat(String... args) throws Exception {
    return MoatProcess.run(Map.of(), dir, List.of(args));
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void learnWritesAWhitelistBoundToTheDigestAndPrintsCountsPerKind() throws Exception {
    MoatProcess.Result learn = moat("whitelist", "learn", image, "-o", "out/whitelist.json");
    assertThat(learn.exitCode()).as(learn.all()).isZero();
    JsonNode doc = JSON.readTree(dir.resolve("out/whitelist.json").toFile());
    assertThat(doc.path("schemaVersion").asText()).isEqualTo("moat.dev/whitelist/v1");
    assertThat(doc.path("image").path("digest").asText()).isEqualTo(TestImages.digest(image));
    JsonNode busybox = null;
    for (JsonNode entry : doc.path("platforms").get(0).path("entries")) {
      if (entry.path("path").asText().equals("/bin/busybox")) {
        busybox = entry;
      }
    }
    assertThat(busybox).as("/bin/busybox in %s", doc).isNotNull();
    assertThat(busybox.path("sha256").asText()).isEqualTo(sha256(Path.of("/bin/busybox")));
    assertThat(learn.stdout()).contains("Learned ", "elf-executable", "script", "total", "Files:", "whitelist.json");

    MoatProcess.Result again = moat("whitelist", "learn", image, "-o", "again.json", "--outputs-file", "outputs.txt");
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("again.json"))).as("two runs give identical bytes").isEqualTo(Files.readAllBytes(dir.resolve("out/whitelist.json")));
    assertThat(Files.readString(dir.resolve("outputs.txt")))
        .contains("whitelist-digest=sha256:" + sha256(dir.resolve("again.json")) + "\n", "image-digest=" + TestImages.digest(image) + "\n")
        .contains("entry-count=" + doc.path("platforms").get(0).path("entries").size() + "\n");
  }

  @Test
  void learnFromAnOciLayoutExportsEveryFormatIntoTheExportDir() throws Exception {
    MoatProcess.Result learn = moat("whitelist", "learn", "oci:" + layout + ":v1", "-o", "whitelist.json",
        "--export", "kubearmor,tetragon", "--export", "falco,fapolicyd", "--export-dir", "policies", "--selector", "app=shop", "--namespace", "shop");
    assertThat(learn.exitCode()).as(learn.all()).isZero();
    List<Path> policies;
    try (Stream<Path> files = Files.list(dir.resolve("policies"))) {
      policies = files.sorted().toList();
    }
    assertThat(policies.size()).as("one file or more per format: %s", policies).isGreaterThanOrEqualTo(4);
    for (Path policy : policies) {
      assertThat(Files.size(policy)).as("%s", policy).isPositive();
      assertThat(learn.stdout()).contains(policy.getFileName().toString());
    }
    String all = String.join("\n", policies.stream().map(p -> {
      try {
        return Files.readString(p);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList());
    assertThat(all).contains("KubeArmorPolicy", "/bin/busybox", "shop");
  }

  @Test
  void exportWritesOneFormatToStdoutAFileOrADirectory() throws Exception {
    assertThat(moat("whitelist", "learn", image, "-o", "whitelist.json").exitCode()).isZero();
    MoatProcess.Result stdout = moat("whitelist", "export", "whitelist.json", "--format", "kubearmor", "--selector", "app=shop", "--namespace", "shop");
    assertThat(stdout.exitCode()).as(stdout.all()).isZero();
    assertThat(stdout.stdout()).contains("KubeArmorPolicy", "app: shop", "namespace: shop", "/bin/busybox");

    MoatProcess.Result file = moat("whitelist", "export", "whitelist.json", "--format", "tetragon", "-o", "tetragon.yaml");
    assertThat(file.exitCode()).as(file.all()).isZero();
    assertThat(Files.readString(dir.resolve("tetragon.yaml"))).contains("TracingPolicy");

    MoatProcess.Result directory = moat("whitelist", "export", "whitelist.json", "--format", "fapolicyd", "-o", "fapolicyd/");
    assertThat(directory.exitCode()).as(directory.all()).isZero();
    try (Stream<Path> files = Files.list(dir.resolve("fapolicyd"))) {
      assertThat(files.toList()).isNotEmpty();
    }
  }

  @Test
  void checkExitsZeroWhenEverythingIsListedAndTwentyOnDrift() throws Exception {
    assertThat(moat("whitelist", "learn", image, "-o", "whitelist.json").exitCode()).isZero();
    Files.writeString(dir.resolve("clean.txt"), "/bin/busybox\n");
    MoatProcess.Result clean = moat("whitelist", "check", "whitelist.json", "--events", "clean.txt");
    assertThat(clean.exitCode()).as(clean.all()).isZero();
    assertThat(clean.stdout()).contains("No drift");

    Files.writeString(dir.resolve("drift.txt"), "/bin/busybox\n/tmp/dropped\n");
    MoatProcess.Result drift = moat("whitelist", "check", "whitelist.json", "--events", "drift.txt", "--json", "drift.json", "--sarif", "drift.sarif");
    assertThat(drift.exitCode()).as(drift.all()).isEqualTo(20);
    assertThat(drift.stderr()).contains("/tmp/dropped", "unknown path").doesNotContain("Exception");
    assertThat(Files.readString(dir.resolve("drift.json"))).contains("/tmp/dropped");
    JsonNode sarif = JSON.readTree(dir.resolve("drift.sarif").toFile());
    assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
    assertThat(sarif.path("runs").get(0).path("results").size()).isEqualTo(1);
  }

  @Test
  void attachedWhitelistIsFetchedVerifiedAndRefusedForAnotherKey() throws Exception {
    String attached = TestImages.copyWithin(registry, "team/app:v1", "team/attached:v1");
    MoatProcess.Result learn = moat("whitelist", "learn", attached, "-o", "learned.json", "--attach", "--key", work.resolve("alice.key").toString());
    assertThat(learn.exitCode()).as(learn.all()).isZero();

    MoatProcess.Result fetch = moat("whitelist", "fetch", attached, "--key", work.resolve("alice.pub").toString(), "-o", "fetched.json");
    assertThat(fetch.exitCode()).as(fetch.all()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("fetched.json"))).isEqualTo(Files.readAllBytes(dir.resolve("learned.json")));

    MoatProcess.Result other = moat("whitelist", "fetch", attached, "--key", work.resolve("mallory.pub").toString(), "-o", "other.json");
    assertThat(other.exitCode()).as(other.all()).isEqualTo(12);
    assertThat(dir.resolve("other.json")).doesNotExist();

    String bare = TestImages.copyWithin(registry, "team/app:v1", "team/bare:v1");
    MoatProcess.Result none = moat("whitelist", "fetch", bare, "--key", work.resolve("alice.pub").toString());
    assertThat(none.exitCode()).as(none.all()).isEqualTo(10);
  }

  @Test
  void everyPlatformOfAnIndexIsLearnedWithPlatformAll() throws Exception {
    Path multi = TestImages.buildMultiArch(dir, "multi");
    MoatProcess.Result all = moat("whitelist", "learn", "oci:" + multi + ":multi", "--platform", "all", "-o", "all.json");
    assertThat(all.exitCode()).as(all.all()).isZero();
    JsonNode doc = JSON.readTree(dir.resolve("all.json").toFile());
    assertThat(doc.path("platforms").findValuesAsText("platform")).containsExactly("linux/amd64", "linux/arm64");
  }
}
