package dev.moat.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing with a key on a real SoftHSM2 token. SoftHSM reads SOFTHSM2_CONF from the process environment, so
 * the PKCS#11 calls run in a child JVM ({@link Pkcs11Probe}) started with a private token directory.
 */
class Pkcs11SoftHsmTest {

  private static final String MODULE = "/usr/lib/softhsm/libsofthsm2.so";
  private static final String ADD_EXPORTS = "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";

  @TempDir static Path dir;
  private static Map<String, String> env;

  @BeforeAll
  static void createTokenWithAKeyPair() throws Exception {
    Path softhsm = ExternalCommand.onPath("softhsm2-util");
    Path pkcs11Tool = ExternalCommand.onPath("pkcs11-tool");
    assumeTrue(softhsm != null && pkcs11Tool != null && Files.exists(Path.of(MODULE)),
        "softhsm2-util, pkcs11-tool or " + MODULE + " is missing; skipping the PKCS#11 tests (apt-get install softhsm2 opensc)");
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Path conf = Files.writeString(dir.resolve("softhsm2.conf"),
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    env = Map.of("SOFTHSM2_CONF", conf.toString());

    ExternalCommand init = ExternalCommand.run(dir, env, softhsm.toString(),
        "--init-token", "--free", "--label", "moat-test", "--pin", "1234", "--so-pin", "5678");
    assertThat(init.exitCode()).as(init.output()).isZero();
    ExternalCommand keypair = ExternalCommand.run(dir, env, pkcs11Tool.toString(), "--module", MODULE,
        "--login", "--pin", "1234", "--token-label", "moat-test",
        "--keypairgen", "--key-type", "EC:prime256v1", "--label", "signer", "--id", "01");
    assertThat(keypair.exitCode()).as(keypair.output()).isZero();
  }

  private String probe(Map<String, String> extraEnv, boolean addExports, String... checks) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (addExports) {
      command.add(ADD_EXPORTS);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Pkcs11Probe.class.getName()));
    command.addAll(List.of(checks));
    Map<String, String> childEnv = new java.util.HashMap<>(env);
    childEnv.putAll(extraEnv);
    ExternalCommand run = ExternalCommand.run(dir, childEnv, command);
    assertThat(run.exitCode()).as(run.output()).isZero();
    return run.output();
  }

  @Test
  void signsOnTheTokenAndTheTokenPublicKeyVerifies() throws Exception {
    String output = probe(Map.of(), true,
        "sign=pkcs11:token=moat-test;object=signer?module-path=" + MODULE + "&pin-value=1234");

    assertThat(output).contains("sign: verified=true same-key=true description=pkcs11:token=moat-test;object=signer");
    assertThat(output).doesNotContain("1234");
  }

  @Test
  void findsTheKeyByIdWithModuleAndPinFromTheEnvironment() throws Exception {
    String output = probe(Map.of("MOAT_PKCS11_MODULE", MODULE, "MOAT_PASSPHRASE", "1234"), true,
        "sign=pkcs11:token=moat-test;id=%01");

    assertThat(output).contains("sign: verified=true same-key=true");
  }

  @Test
  void readsThePinFromPinSource() throws Exception {
    Path pinFile = Files.writeString(dir.resolve("pin.txt"), "1234\n");

    String output = probe(Map.of(), true,
        "sign=pkcs11:token=moat-test;object=signer?module-path=" + MODULE + "&pin-source=" + pinFile);

    assertThat(output).contains("sign: verified=true");
  }

  @Test
  void wrongPinTokenAndObjectAreKeyFailuresWithTheirOwnMessages() throws Exception {
    String output = probe(Map.of(), true,
        "pin=pkcs11:token=moat-test;object=signer?module-path=" + MODULE + "&pin-value=9999",
        "token=pkcs11:token=nope;object=signer?module-path=" + MODULE + "&pin-value=1234",
        "object=pkcs11:token=moat-test;object=nope?module-path=" + MODULE + "&pin-value=1234",
        "nopin=pkcs11:token=moat-test;object=signer?module-path=" + MODULE);

    assertThat(output).contains("pin: KEY the PIN for token moat-test is wrong");
    assertThat(output).contains("token: KEY no PKCS#11 token labelled nope in module " + MODULE);
    assertThat(output).contains("object: KEY no private key object matches pkcs11:token=moat-test;object=nope");
    assertThat(output).contains("nopin: KEY no PIN given for pkcs11:token=moat-test;object=signer");
    assertThat(output).doesNotContain("9999").doesNotContain("crashed");
  }

  @Test
  void withoutTheWrapperExportTheFailureSaysHowToEnableIt() throws Exception {
    String output = probe(Map.of(), false,
        "noexport=pkcs11:token=moat-test;object=signer?module-path=" + MODULE + "&pin-value=1234");

    assertThat(output).contains("noexport: KEY this Java runtime does not let Moat use PKCS#11 modules")
        .contains("--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED");
  }
}
