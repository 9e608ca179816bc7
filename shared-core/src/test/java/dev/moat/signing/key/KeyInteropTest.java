package dev.moat.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moat's key files against independent implementations: openssl, and node + tweetnacl for cosign's format. */
class KeyInteropTest {

  private static final byte[] MESSAGE = "payload to sign".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path dir;

  @Nested
  class Openssl {

    private String openssl() {
      Path openssl = ExternalCommand.onPath("openssl");
      assumeTrue(openssl != null, "openssl is not on PATH; skipping the openssl interop tests");
      return openssl.toString();
    }

    @Test
    void opensslEcparamKeyLoadsAndItsSignaturesVerifyWithOpensslDgst() throws Exception {
      String openssl = openssl();
      assertThat(ExternalCommand.run(dir, NO_ENV, openssl, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key").exitCode()).isZero();
      assertThat(ExternalCommand.run(dir, NO_ENV, openssl, "ec", "-in", "ec.key", "-pubout", "-out", "pub.pem").exitCode()).isZero();

      SigningKey key = KeyLoader.loadSigningKey(dir.resolve("ec.key").toString(), PassphraseSource.NONE, NO_ENV);
      Files.write(dir.resolve("msg"), MESSAGE);
      Files.write(dir.resolve("sig.der"), key.sign(MESSAGE));

      ExternalCommand verify = ExternalCommand.run(
          dir, NO_ENV, openssl, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "msg");
      assertThat(verify.output()).contains("Verified OK");
      assertThat(verify.exitCode()).isZero();
      assertThat(KeyLoader.loadPublicKey(dir.resolve("pub.pem").toString(), PassphraseSource.NONE, NO_ENV).getEncoded())
          .isEqualTo(key.publicKey().getEncoded());
    }

    @Test
    void opensslEncryptedPkcs8KeyLoadsWithItsPassphrase() throws Exception {
      String openssl = openssl();
      Map<String, String> env = Map.of("PASS", "open sesame");
      assertThat(ExternalCommand.run(dir, NO_ENV, openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.key").exitCode()).isZero();
      ExternalCommand topk8 = ExternalCommand.run(
          dir, env, openssl, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec.key", "-out", "enc.key", "-passout", "env:PASS");
      assertThat(topk8.exitCode()).as(topk8.output()).isZero();
      assertThat(ExternalCommand.run(dir, NO_ENV, openssl, "ec", "-in", "ec.key", "-pubout", "-out", "pub.pem").exitCode()).isZero();

      SigningKey key = KeyLoader.loadSigningKey(dir.resolve("enc.key").toString(), what -> "open sesame".toCharArray(), NO_ENV);
      Files.write(dir.resolve("msg"), MESSAGE);
      Files.write(dir.resolve("sig.der"), key.sign(MESSAGE));

      ExternalCommand verify = ExternalCommand.run(
          dir, NO_ENV, openssl, "dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig.der", "msg");
      assertThat(verify.output()).contains("Verified OK");
    }

    @Test
    void moatPkcs8KeysLoadInOpensslAndMatchThePublicKey() throws Exception {
      String openssl = openssl();
      Map<String, String> env = Map.of("PASS", "pässwörd");
      GeneratedKey plain = KeyPairWriter.generate(dir.resolve("plain"), KeyFormat.PKCS8, null);
      GeneratedKey encrypted = KeyPairWriter.generate(dir.resolve("enc"), KeyFormat.PKCS8_ENCRYPTED, "pässwörd".toCharArray());

      ExternalCommand plainPub = ExternalCommand.run(dir, env, openssl, "pkey", "-in", "plain.key", "-pubout");
      ExternalCommand encryptedPub = ExternalCommand.run(dir, env, openssl, "pkey", "-in", "enc.key", "-passin", "env:PASS", "-pubout");

      assertThat(plainPub.exitCode()).as(plainPub.output()).isZero();
      assertThat(plainPub.output()).isEqualTo(Files.readString(plain.publicKey()));
      assertThat(encryptedPub.exitCode()).as(encryptedPub.output()).isZero();
      assertThat(encryptedPub.output()).isEqualTo(Files.readString(encrypted.publicKey()));
    }

    @Test
    void opensslRefusesMoatEncryptedPkcs8KeyWithAWrongPassphrase() throws Exception {
      String openssl = openssl();
      KeyPairWriter.generate(dir.resolve("enc"), KeyFormat.PKCS8_ENCRYPTED, "right".toCharArray());

      ExternalCommand wrong = ExternalCommand.run(dir, Map.of("PASS", "wrong"), openssl, "pkey", "-in", "enc.key", "-passin", "env:PASS", "-pubout");

      assertThat(wrong.exitCode()).isNotZero();
    }
  }

  @Nested
  class CosignFormatAgainstNodeAndTweetnacl {

    private final Path script = Path.of("src", "test", "node", "cosign-key.js").toAbsolutePath();

    private String node() {
      Path node = ExternalCommand.onPath("node");
      assumeTrue(node != null, "node is not on PATH; skipping the cosign format interop tests");
      assumeTrue(
          Files.isDirectory(script.resolveSibling("node_modules").resolve("tweetnacl")),
          "tweetnacl is not installed; run `npm ci --no-audit --no-fund` in shared-core/src/test/node");
      return node.toString();
    }

    @Test
    void keyEncryptedByAnIndependentCosignImplementationLoadsAndSigns() throws Exception {
      String node = node();
      GeneratedKey plain = KeyPairWriter.generate(dir.resolve("plain"), KeyFormat.PKCS8, null);
      ExternalCommand encrypt = ExternalCommand.run(
          dir, Map.of("PASSPHRASE", "correct horse"), node, script.toString(), "encrypt", "plain.key", "node-cosign.key");
      assertThat(encrypt.exitCode()).as(encrypt.output()).isZero();

      SigningKey key = KeyLoader.loadSigningKey(
          dir.resolve("node-cosign.key").toString(), what -> "correct horse".toCharArray(), NO_ENV);

      assertThat(key.publicKey().getEncoded()).isEqualTo(plain.key().getEncoded());
      assertThat(PublicKeys.verify(plain.key(), MESSAGE, key.sign(MESSAGE))).isTrue();
    }

    @Test
    void moatCosignKeyDecryptsAndSignsInAnIndependentImplementation() throws Exception {
      String node = node();
      GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, "correct horse".toCharArray());
      Files.write(dir.resolve("msg"), MESSAGE);

      ExternalCommand sign = ExternalCommand.run(
          dir, Map.of("PASSPHRASE", "correct horse"), node, script.toString(), "sign", "cosign.key", "msg", "sig.der");

      assertThat(sign.exitCode()).as(sign.output()).isZero();
      assertThat(sign.output()).contains("N=65536 r=8 p=1 curve=prime256v1");
      assertThat(PublicKeys.verify(generated.key(), MESSAGE, Files.readAllBytes(dir.resolve("sig.der")))).isTrue();
    }

    @Test
    void independentImplementationRefusesMoatCosignKeyWithAWrongPassphrase() throws Exception {
      String node = node();
      KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, "correct horse".toCharArray());
      Files.write(dir.resolve("msg"), MESSAGE);

      ExternalCommand sign = ExternalCommand.run(
          dir, Map.of("PASSPHRASE", "battery staple"), node, script.toString(), "sign", "cosign.key", "msg", "sig.der");

      assertThat(sign.exitCode()).isNotZero();
      assertThat(sign.output()).contains("secretbox did not open");
    }
  }
}
