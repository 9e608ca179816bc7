package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Generates ECDSA P-256 key pairs and writes them as {@code PREFIX.key} and {@code PREFIX.pub}, like cosign. */
public final class KeyPairWriter {

  /** PBKDF2-HMAC-SHA256 iterations for PKCS8_ENCRYPTED (OWASP's 2023 recommendation). */
  static final int PBKDF2_ITERATIONS = 600_000;

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private KeyPairWriter() {}

  /** Generates an ECDSA P-256 pair, writes PREFIX.key (private, mode 0600 where POSIX) and PREFIX.pub (PEM "PUBLIC KEY"). Refuses to overwrite existing files (Failure.INVALID_INPUT naming the file). Returns the written paths and the public key. */
  public static GeneratedKey generate(Path prefix, KeyFormat format, char[] passphrase)
      throws MoatException {
    if (format != KeyFormat.PKCS8 && (passphrase == null)) {
      throw new MoatException(
          Failure.INVALID_INPUT,
          "a " + format + " key needs a passphrase",
          PemKeyReader.PASSPHRASE_HINT + ", or write an unencrypted PKCS8 key");
    }
    Path privateFile = prefix.resolveSibling(prefix.getFileName() + ".key");
    Path publicFile = prefix.resolveSibling(prefix.getFileName() + ".pub");
    for (Path file : new Path[] {privateFile, publicFile}) {
      if (Files.exists(file)) {
        throw exists(file);
      }
    }
    KeyPair pair = newPair();
    String privatePem = pem(privateBlock(pair, format, passphrase));
    write(privateFile, privatePem, true);
    try {
      write(publicFile, PublicKeys.pem(pair.getPublic()), false);
    } catch (MoatException e) {
      try {
        Files.deleteIfExists(privateFile);
      } catch (IOException ignored) {
        // the first failure is what the user needs to see
      }
      throw e;
    }
    return new GeneratedKey(privateFile, publicFile, pair.getPublic());
  }

  private static KeyPair newPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 17 generates P-256 keys", e);
    }
  }

  private static PemObject privateBlock(KeyPair pair, KeyFormat format, char[] passphrase)
      throws MoatException {
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    try {
      switch (format) {
        case PKCS8:
          return new PemObject(PemKeyReader.PRIVATE_KEY, pkcs8);
        case COSIGN:
          return new PemObject(CosignKeyEnvelope.PEM_TYPE, CosignKeyEnvelope.seal(pkcs8, passphrase));
        case PKCS8_ENCRYPTED:
          OutputEncryptor encryptor =
              new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                  .setPRF(JcaPKCS8Generator.PRF_HMACSHA256)
                  .setIterationCount(PBKDF2_ITERATIONS)
                  .setPassword(passphrase)
                  .setProvider(BC)
                  .build();
          return new JcaPKCS8Generator(pair.getPrivate(), encryptor).generate();
        default:
          throw new IllegalArgumentException("unknown key format " + format);
      }
    } catch (OperatorCreationException | PemGenerationException e) {
      throw new MoatException(Failure.INTERNAL, "cannot encrypt the new key: " + e.getMessage(), "", e);
    } finally {
      if (format != KeyFormat.PKCS8) {
        Arrays.fill(pkcs8, (byte) 0);
      }
    }
  }

  private static String pem(PemObject block) {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(block);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  private static void write(Path file, String text, boolean secret) throws MoatException {
    try {
      if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      } else {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
    } catch (FileAlreadyExistsException e) {
      throw exists(file);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write " + file + ": " + e.getMessage(), "", e);
    }
  }

  private static MoatException exists(Path file) {
    return new MoatException(
        Failure.INVALID_INPUT, file + " already exists; Moat does not overwrite keys", "choose another prefix or remove the file");
  }
}
