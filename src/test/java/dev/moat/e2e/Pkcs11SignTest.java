package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI jar signs with a key on a real PKCS#11 token (SoftHSM2): the jar's manifest opens the JDK's PKCS#11
 * wrapper, so plain {@code java -jar} works, as in pipelines.
 */
class Pkcs11SignTest {

  private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";

  @Test
  void signsThroughAPkcs11UriAndVerifiesWithTheTokensPublicKey(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    assumeTrue(Files.exists(Path.of(MODULE)) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util")) && Files.isExecutable(Path.of("/usr/bin/pkcs11-tool")),
        "SoftHSM2 or pkcs11-tool is missing (apt-get install softhsm2 opensc); .ci/run installs them");
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Path conf = dir.resolve("softhsm2.conf");
    Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Map<String, String> env = new HashMap<>(Map.of("SOFTHSM2_CONF", conf.toString()));
    run(env, dir, "softhsm2-util", "--init-token", "--free", "--label", "pipeline", "--pin", "4321", "--so-pin", "87654321");
    run(env, dir, "pkcs11-tool", "--module", MODULE, "--login", "--pin", "4321", "--token-label", "pipeline",
        "--keypairgen", "--key-type", "EC:prime256v1", "--label", "release", "--id", "42");

    try (LocalRegistry registry = LocalRegistry.plain()) {
      Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "hsm"));
      TestImages.push(layout, "v1", registry, "hsm/app:v1");
      String uri = "pkcs11:token=pipeline;object=release?module-path=" + MODULE;
      env.put("MOAT_PASSPHRASE", "4321");
      MoatProcess.Result sign = MoatProcess.run(env, dir, List.of("sign", registry.host() + "/hsm/app:v1", "--key", uri));
      assertThat(sign.exitCode()).as(sign.all()).isZero();
      assertThat(sign.all()).doesNotContain("4321");
      MoatProcess.Result verify = MoatProcess.run(env, dir, List.of("verify", registry.host() + "/hsm/app:v1", "--key", uri));
      assertThat(verify.exitCode()).as(verify.all()).isZero();
      env.put("MOAT_PASSPHRASE", "0000");
      MoatProcess.Result wrongPin = MoatProcess.run(env, dir, List.of("sign", registry.host() + "/hsm/app:v1", "--key", uri));
      assertThat(wrongPin.exitCode()).as(wrongPin.all()).isEqualTo(6);
      assertThat(wrongPin.stderr()).doesNotContain("0000").doesNotContain("Exception");
    }
  }

  private static void run(Map<String, String> env, Path dir, String... command) throws Exception {
    MoatProcess.Result r = MoatProcess.exec(List.of(command), env, dir, 60);
    assertThat(r.exitCode()).as(r.all()).isZero();
  }
}
