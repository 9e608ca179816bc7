package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads the key out of PEM text: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", any PBES2
 * BouncyCastle decrypts), SEC1 ("EC PRIVATE KEY", what {@code openssl ecparam -genkey} writes), cosign's
 * encrypted key and "PUBLIC KEY". Blocks of other types before the key (openssl's "EC PARAMETERS") are skipped.
 */
final class PemKeyReader {

  static final String PRIVATE_KEY = "PRIVATE KEY";
  static final String ENCRYPTED_PRIVATE_KEY = "ENCRYPTED PRIVATE KEY";
  static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
  static final String PUBLIC_KEY = "PUBLIC KEY";
  static final List<String> ACCEPTED =
      List.of(
          PRIVATE_KEY,
          ENCRYPTED_PRIVATE_KEY,
          EC_PRIVATE_KEY,
          CosignKeyEnvelope.PEM_TYPE,
          CosignKeyEnvelope.OLD_PEM_TYPE,
          PUBLIC_KEY);

  static final String PASSPHRASE_HINT = "set MOAT_PASSPHRASE (or COSIGN_PASSWORD)";

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private PemKeyReader() {}

  /** The key in text; what names its origin in messages ("cosign.key", "env://MOAT_KEY"). */
  static PemKey read(String text, String what, PassphraseSource passphrase) throws MoatException {
    PemObject pem = firstKeyBlock(text, what);
    byte[] content = pem.getContent();
    try {
      switch (pem.getType()) {
        case PRIVATE_KEY:
          return PemKey.ofPrivate(PrivateKeyInfo.getInstance(content));
        case EC_PRIVATE_KEY:
          return PemKey.ofPrivate(fromSec1(content, what));
        case PUBLIC_KEY:
          return PemKey.ofPublic(SubjectPublicKeyInfo.getInstance(content));
        case ENCRYPTED_PRIVATE_KEY:
          return PemKey.ofPrivate(decryptPkcs8(content, what, passphrase));
        default: // the two cosign types
          return PemKey.ofPrivate(decryptCosign(content, what, passphrase));
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // BouncyCastle's ASN.1 getInstance methods throw these for malformed DER
      throw new MoatException(
          Failure.INVALID_INPUT, what + " holds a malformed " + pem.getType() + " block", "", e);
    }
  }

  private static PemObject firstKeyBlock(String text, String what) throws MoatException {
    try (PemReader reader = new PemReader(new StringReader(text))) {
      for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
        if (ACCEPTED.contains(block.getType())) {
          return block;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw notPem(what, "a PEM block is malformed");
    }
    throw notPem(what, "it holds no PEM key");
  }

  private static MoatException notPem(String what, String why) {
    return new MoatException(
        Failure.INVALID_INPUT,
        what + " is not a PEM key (" + why + "); accepted PEM types: " + String.join(", ", ACCEPTED),
        "");
  }

  private static PrivateKeyInfo fromSec1(byte[] content, String what) throws MoatException {
    ECPrivateKey sec1 = ECPrivateKey.getInstance(content);
    if (!(sec1.getParametersObject() instanceof ASN1ObjectIdentifier curve)) {
      throw new MoatException(
          Failure.KEY,
          what + " is an EC key without a named curve; " + EcKeyConverter.SIGNING_KEYS,
          "");
    }
    try {
      return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1);
    } catch (IOException e) {
      throw new MoatException(Failure.INVALID_INPUT, what + " holds a malformed EC PRIVATE KEY block", "", e);
    }
  }

  private static PrivateKeyInfo decryptPkcs8(byte[] content, String what, PassphraseSource source)
      throws MoatException {
    PKCS8EncryptedPrivateKeyInfo encrypted = new PKCS8EncryptedPrivateKeyInfo(
        org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo.getInstance(content));
    char[] passphrase = required(source, what);
    try {
      InputDecryptorProvider decryptor =
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase);
      return encrypted.decryptPrivateKeyInfo(decryptor);
    } catch (OperatorCreationException e) {
      throw new MoatException(
          Failure.KEY,
          what + " is encrypted with an algorithm Moat cannot decrypt ("
              + encrypted.getEncryptionAlgorithm().getAlgorithm().getId()
              + ")",
          "re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
          e);
    } catch (PKCSException | RuntimeException e) {
      // a wrong passphrase shows as bad padding or, rarely, as garbage DER after decryption
      throw new MoatException(
          Failure.KEY, "the passphrase for " + what + " is wrong", "check MOAT_PASSPHRASE (or COSIGN_PASSWORD)");
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  private static PrivateKeyInfo decryptCosign(byte[] content, String what, PassphraseSource source)
      throws MoatException {
    char[] passphrase = required(source, what);
    byte[] pkcs8;
    try {
      pkcs8 = CosignKeyEnvelope.open(content, passphrase, what);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
    try {
      return PrivateKeyInfo.getInstance(pkcs8);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new MoatException(
          Failure.INVALID_INPUT, what + " decrypts, but not to a PKCS#8 private key", "", e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static char[] required(PassphraseSource source, String what) throws MoatException {
    char[] passphrase = source.passphrase(what);
    if (passphrase == null) {
      throw new MoatException(
          Failure.KEY, what + " is encrypted and no passphrase was given", PASSPHRASE_HINT);
    }
    return passphrase;
  }
}
