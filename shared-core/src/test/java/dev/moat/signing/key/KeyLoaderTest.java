package dev.moat.signing.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyLoaderTest {

  private static final byte[] MESSAGE = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path dir;

  private static PassphraseSource passphrase(String value) {
    return what -> value.toCharArray();
  }

  @ParameterizedTest
  @EnumSource(KeyFormat.class)
  void generatedKeyLoadsSignsAndVerifiesWithItsPublicKeyFile(KeyFormat format) throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), format, "s3cret".toCharArray());

    SigningKey key = KeyLoader.loadSigningKey(generated.privateKey().toString(), passphrase("s3cret"), NO_ENV);
    byte[] signature = key.sign(MESSAGE);

    java.security.PublicKey fromPub = KeyLoader.loadPublicKey(generated.publicKey().toString(), PassphraseSource.NONE, NO_ENV);
    assertThat(PublicKeys.verify(fromPub, MESSAGE, signature)).isTrue();
    assertThat(fromPub.getEncoded()).isEqualTo(generated.key().getEncoded());
    assertThat(key.publicKey().getEncoded()).isEqualTo(generated.key().getEncoded());
    assertThat(key.description()).isEqualTo("file " + generated.privateKey());
  }

  @Test
  void generateNamesTheFilesAfterThePrefix() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("release"), KeyFormat.PKCS8, null);

    assertThat(generated.privateKey()).isEqualTo(dir.resolve("release.key"));
    assertThat(generated.publicKey()).isEqualTo(dir.resolve("release.pub"));
    assertThat(Files.readString(generated.publicKey())).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(Files.readString(generated.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void formatsWriteTheirPemTypes() throws Exception {
    KeyPairWriter.generate(dir.resolve("a"), KeyFormat.PKCS8_ENCRYPTED, "pw".toCharArray());
    KeyPairWriter.generate(dir.resolve("b"), KeyFormat.COSIGN, "pw".toCharArray());

    assertThat(Files.readString(dir.resolve("a.key"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(Files.readString(dir.resolve("b.key"))).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----");
  }

  @Test
  void privateKeyFileIsReadableOnlyByItsOwner() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, "pw".toCharArray());

    assertThat(Files.getPosixFilePermissions(generated.privateKey()))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }

  @Test
  void generateRefusesToOverwriteAnExistingKeyAndLeavesItAlone() throws Exception {
    Files.writeString(dir.resolve("cosign.pub"), "keep me");

    assertThatThrownBy(() -> KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.PKCS8, null))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
              assertThat(e.getMessage()).contains(dir.resolve("cosign.pub").toString());
            });
    assertThat(Files.readString(dir.resolve("cosign.pub"))).isEqualTo("keep me");
    assertThat(dir.resolve("cosign.key")).doesNotExist();
  }

  @Test
  void encryptedFormatsNeedAPassphraseToBeWritten() {
    assertThatThrownBy(() -> KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, null))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS8_ENCRYPTED", "COSIGN"})
  void wrongPassphraseIsAKeyFailureThatSaysSo(KeyFormat format) throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), format, "right".toCharArray());
    String spec = generated.privateKey().toString();

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(spec, passphrase("wrong"), NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.getMessage()).isEqualTo("the passphrase for " + spec + " is wrong");
            });
  }

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS8_ENCRYPTED", "COSIGN"})
  void missingPassphraseForAnEncryptedKeyHintsAtTheVariables(KeyFormat format) throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), format, "right".toCharArray());

    assertThatThrownBy(
            () -> KeyLoader.loadSigningKey(generated.privateKey().toString(), PassphraseSource.fromEnvironment(NO_ENV), NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.hint()).isEqualTo("set MOAT_PASSPHRASE (or COSIGN_PASSWORD)");
            });
  }

  @Test
  void passphraseComesFromMoatPassphraseBeforeCosignPassword() throws Exception {
    assertThat(PassphraseSource.fromEnvironment(Map.of("MOAT_PASSPHRASE", "a", "COSIGN_PASSWORD", "b")).passphrase("k"))
        .containsExactly('a');
    assertThat(PassphraseSource.fromEnvironment(Map.of("COSIGN_PASSWORD", "b")).passphrase("k")).containsExactly('b');
    assertThat(PassphraseSource.fromEnvironment(NO_ENV).passphrase("k")).isNull();
  }

  @Test
  void cosignKeyLoadsWithThePassphraseFromTheEnvironment() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, "from-env".toCharArray());
    Map<String, String> env = Map.of("COSIGN_PASSWORD", "from-env");

    SigningKey key = KeyLoader.loadSigningKey(generated.privateKey().toString(), PassphraseSource.fromEnvironment(env), env);

    assertThat(PublicKeys.verify(generated.key(), MESSAGE, key.sign(MESSAGE))).isTrue();
  }

  @Test
  void rsaKeyIsRefusedForSigningAsAnRsaKey() throws Exception {
    KeyPair rsa = KeyFiles.pair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
    Path file = KeyFiles.write(dir.resolve("rsa.key"), KeyFiles.pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.getMessage()).isEqualTo(file + " is an RSA key; Moat signs with ECDSA P-256 keys");
            });
  }

  @Test
  void rsaPublicKeyIsRefusedForVerifying() throws Exception {
    KeyPair rsa = KeyFiles.pair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
    Path file = KeyFiles.write(dir.resolve("rsa.pub"), KeyFiles.pem("PUBLIC KEY", rsa.getPublic().getEncoded()));

    assertThatThrownBy(() -> KeyLoader.loadPublicKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> assertThat(e.getMessage()).contains("is an RSA key"));
  }

  @Test
  void ed25519KeyIsRefusedAsAnEd25519Key() throws Exception {
    KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path file = KeyFiles.write(dir.resolve("ed.key"), KeyFiles.pem("PRIVATE KEY", ed.getPrivate().getEncoded()));

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> assertThat(e.getMessage()).isEqualTo(file + " is an Ed25519 key; Moat signs with ECDSA P-256 keys"));
  }

  @Test
  void p384KeyIsRefusedForSigningButItsPublicHalfVerifies() throws Exception {
    KeyPair p384 = KeyFiles.pair("EC", new ECGenParameterSpec("secp384r1"));
    Path file = KeyFiles.write(dir.resolve("p384.key"), KeyFiles.pem("PRIVATE KEY", p384.getPrivate().getEncoded()));

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.getMessage()).isEqualTo(file + " is an EC P-384 key; Moat signs with ECDSA P-256 keys");
            });

    java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
    signer.initSign(p384.getPrivate());
    signer.update(MESSAGE);
    byte[] signature = signer.sign();
    java.security.PublicKey loaded = KeyLoader.loadPublicKey(file.toString(), PassphraseSource.NONE, NO_ENV);
    assertThat(loaded.getEncoded()).isEqualTo(p384.getPublic().getEncoded());
    assertThat(PublicKeys.verify(loaded, MESSAGE, signature)).isTrue();
  }

  @Test
  void fileThatIsNotPemIsInvalidInputNamingTheFileAndTheAcceptedTypes() throws Exception {
    Path file = KeyFiles.write(dir.resolve("notes.txt"), "just some text\n");

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
              assertThat(e.getMessage()).contains(file.toString()).contains("PRIVATE KEY", "ENCRYPTED SIGSTORE PRIVATE KEY", "PUBLIC KEY");
            });
  }

  @Test
  void pemOfAnotherTypeIsInvalidInput() throws Exception {
    Path file = KeyFiles.write(dir.resolve("cert.pem"), KeyFiles.pem("CERTIFICATE", new byte[] {0x30, 0x00}));

    assertThatThrownBy(() -> KeyLoader.loadPublicKey(file.toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  @Test
  void missingFileIsNotFound() {
    String spec = dir.resolve("absent.key").toString();

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(spec, PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND);
              assertThat(e.getMessage()).contains(spec);
            });
  }

  @Test
  void publicKeyFileCannotSign() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.PKCS8, null);

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(generated.publicKey().toString(), PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.failure()).isEqualTo(Failure.KEY));
  }

  @Test
  void envSpecReadsThePemFromTheVariableAndDescribesItself() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.COSIGN, "pw".toCharArray());
    Map<String, String> env = Map.of("MOAT_KEY", Files.readString(generated.privateKey()));

    SigningKey key = KeyLoader.loadSigningKey("env://MOAT_KEY", passphrase("pw"), env);

    assertThat(key.description()).isEqualTo("env://MOAT_KEY");
    assertThat(PublicKeys.verify(generated.key(), MESSAGE, key.sign(MESSAGE))).isTrue();
    assertThat(KeyLoader.loadPublicKey("env://MOAT_KEY", passphrase("pw"), env).getEncoded())
        .isEqualTo(generated.key().getEncoded());
  }

  @Test
  void unsetEnvVariableIsInvalidInputNamingTheVariable() {
    assertThatThrownBy(() -> KeyLoader.loadSigningKey("env://MOAT_KEY", PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
              assertThat(e.getMessage()).contains("MOAT_KEY");
            });
  }

  @Test
  void sec1KeyWithEcParametersBlockLoads() throws Exception {
    KeyPair pair = KeyFiles.pair("EC", new ECGenParameterSpec("secp256r1"));
    org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    String text =
        KeyFiles.pem("EC PARAMETERS", org.bouncycastle.asn1.x9.X9ObjectIdentifiers.prime256v1.getEncoded())
            + KeyFiles.pem(
                "EC PRIVATE KEY",
                new org.bouncycastle.asn1.sec.ECPrivateKey(
                        256,
                        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey()).getKey(),
                        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.prime256v1)
                    .getEncoded());
    Path file = KeyFiles.write(dir.resolve("sec1.key"), text);

    SigningKey key = KeyLoader.loadSigningKey(file.toString(), PassphraseSource.NONE, NO_ENV);

    assertThat(key.publicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
  }

  @Test
  void absurdScryptParametersAreRefusedBeforeDerivingAnything() throws Exception {
    String body =
        "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":4194304,\"r\":8,\"p\":1},\"salt\":\"AAAA\"},"
            + "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAA\"},\"ciphertext\":\"AAAA\"}";
    Path file = KeyFiles.write(
        dir.resolve("huge.key"), KeyFiles.pem("ENCRYPTED COSIGN PRIVATE KEY", body.getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> KeyLoader.loadSigningKey(file.toString(), passphrase("pw"), NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
              assertThat(e.getMessage()).contains("N=4194304");
            });
  }

  @Test
  void fingerprintIsSha256OfTheSubjectPublicKeyInfo() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.PKCS8, null);
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(generated.key().getEncoded());

    assertThat(PublicKeys.fingerprint(generated.key())).isEqualTo(java.util.HexFormat.of().formatHex(digest)).hasSize(64);
  }

  @Test
  void verifyAnswersFalseForATamperedMessageAndForGarbage() throws Exception {
    GeneratedKey generated = KeyPairWriter.generate(dir.resolve("cosign"), KeyFormat.PKCS8, null);
    SigningKey key = KeyLoader.loadSigningKey(generated.privateKey().toString(), PassphraseSource.NONE, NO_ENV);
    byte[] signature = key.sign(MESSAGE);

    assertThat(PublicKeys.verify(generated.key(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(PublicKeys.verify(generated.key(), MESSAGE, new byte[] {1, 2, 3})).isFalse();
    assertThat(PublicKeys.verify(generated.key(), MESSAGE, new byte[0])).isFalse();
  }

  @Test
  void pkcs11UriWithoutModuleIsAKeyFailureWithAHint() {
    assertThatThrownBy(() -> KeyLoader.loadSigningKey("pkcs11:token=t;object=o?pin-value=1234", PassphraseSource.NONE, NO_ENV))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.hint()).contains("module-path").contains("MOAT_PKCS11_MODULE");
              assertThat(e.getMessage()).doesNotContain("1234");
            });
  }

  @Test
  void pkcs11ModuleThatDoesNotExistIsAKeyFailure() {
    Map<String, String> env = Map.of("MOAT_PKCS11_MODULE", dir.resolve("missing.so").toString());

    assertThatThrownBy(() -> KeyLoader.loadSigningKey("pkcs11:token=t;object=o", PassphraseSource.NONE, env))
        .isInstanceOfSatisfying(
            MoatException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.KEY);
              assertThat(e.getMessage()).contains("missing.so").contains("does not exist");
            });
  }
}
