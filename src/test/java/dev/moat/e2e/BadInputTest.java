package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MisbehavingRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one clear line naming the input, a documented exit code and no stack trace; a failed copy
 * leaves nothing in the destination registry.
 */
class BadInputTest {

  static LocalRegistry registry;
  static MisbehavingRegistry broken;
  static Path work;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    work = dir;
    registry = LocalRegistry.plain();
    broken = new MisbehavingRegistry();
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "x"));
    TestImages.push(layout, "v1", registry, "team/app:v1");
    MoatProcess.generateKeys(dir, "plain");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (broken != null) {
      broken.close();
    }
  }

  private static MoatProcess.Result moat(Map<String, String> env, String... args) throws Exception {
    return MoatProcess.run(env, work, List.of(args));
  }

  private static void assertOneCleanLine(MoatProcess.Result r, int exitCode, String mentions) {
    assertThat(r.exitCode()).as(r.all()).isEqualTo(exitCode);
    String err = r.stderr().strip();
    assertThat(err).as("one line").doesNotContain("\n");
    assertThat(err).contains(mentions).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void malformedReferenceNamesTheReference() throws Exception {
    assertOneCleanLine(moat(Map.of(), "verify", "registry.example.com/Team/App:v1!", "--key", "plain.pub"), 2, "'registry.example.com/Team/App:v1!'");
    assertOneCleanLine(moat(Map.of(), "sign", "app@sha256:1234", "--key", "plain.key"), 2, "sha256");
  }

  @Test
  void badOptionValuesAreUsageErrors() throws Exception {
    MoatProcess.Result r = moat(Map.of(), "verify", registry.host() + "/team/app:v1", "--key", "plain.pub", "--threshold", "two");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("--threshold").doesNotContain("Exception");
    assertOneCleanLine(moat(Map.of(), "verify", registry.host() + "/team/app:v1", "--key", "plain.pub", "--threshold", "3"), 2, "threshold 3");
    assertOneCleanLine(moat(Map.of(), "sign", registry.host() + "/team/app:v1", "--key", "plain.key", "--signature-layout", "sideways"), 2, "sideways");
  }

  @Test
  void unreachableRegistryIsExitCode3() throws Exception {
    assertOneCleanLine(moat(Map.of(), "verify", "127.0.0.1:1/team/app:v1", "--key", "plain.pub"), 3, "cannot reach registry 127.0.0.1:1");
  }

  @Test
  void registryAnsweringGarbageIsAProtocolError() throws Exception {
    assertOneCleanLine(moat(Map.of(), "verify", broken.host() + "/garbage/app:v1", "--key", "plain.pub"), 7, "not valid JSON");
  }

  @Test
  void manifestOverFourMebibytesIsRefused() throws Exception {
    assertOneCleanLine(moat(Map.of(), "verify", broken.host() + "/huge/app:v1", "--key", "plain.pub"), 7, "4 MiB");
  }

  @Test
  void serverErrorsAreRetriedWithBackoffBeforeGivingUp() throws Exception {
    MoatProcess.Result r = moat(Map.of(), "verify", broken.host() + "/flaky/app:v1", "--key", "plain.pub");
    assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
    assertThat(broken.flakyRequests()).as("five attempts").isEqualTo(5);
    MoatProcess.Result slow = moat(Map.of(), "verify", broken.host() + "/slowdown/app:v1", "--key", "plain.pub");
    assertThat(slow.exitCode()).as(slow.all()).isNotZero();
    assertThat(broken.slowdownRequests()).isEqualTo(5);
  }

  @Test
  void failedCopyLeavesNothingInTheDestination() throws Exception {
    MoatProcess.Result r = moat(Map.of(), "copy", broken.host() + "/garbage/app:v1", registry.host() + "/half/app:v1");
    assertThat(r.exitCode()).isEqualTo(7);
    MoatProcess.Result tags = MoatProcess.exec(List.of("skopeo", "list-tags", "--tls-verify=false", "docker://" + registry.host() + "/half/app"), Map.of(), work, 60);
    assertThat(tags.all()).doesNotContain("\"v1\"");
  }

  @Test
  void missingKeyFileIsNamed() throws Exception {
    MoatProcess.Result r = moat(Map.of(), "sign", registry.host() + "/team/app:v1", "--key", "no-such.key");
    assertThat(r.exitCode()).isIn(2, 5, 6);
    assertThat(r.stderr()).contains("no-such.key").doesNotContain("Exception");
  }

  @Test
  void wrongPassphraseIsAKeyError() throws Exception {
    MoatProcess.Result gen = moat(Map.of("MOAT_PASSPHRASE", "right horse battery"), "key", "generate", "--output-key-prefix", "locked");
    assertThat(gen.exitCode()).as(gen.all()).isZero();
    assertOneCleanLine(moat(Map.of("MOAT_PASSPHRASE", "wrong"), "sign", registry.host() + "/team/app:v1", "--key", "locked.key"), 6, "passphrase");
    MoatProcess.Result tags = MoatProcess.exec(List.of("skopeo", "list-tags", "--tls-verify=false", "docker://" + registry.host() + "/team/app"), Map.of(), work, 60);
    assertThat(tags.stdout()).as("nothing was written").doesNotContain(".sig");
  }

  @Test
  void keyOfTheWrongTypeIsAKeyError() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(work.resolve("rsa.key"), pem);
    assertOneCleanLine(moat(Map.of(), "sign", registry.host() + "/team/app:v1", "--key", "rsa.key"), 6, "RSA");
  }
}
