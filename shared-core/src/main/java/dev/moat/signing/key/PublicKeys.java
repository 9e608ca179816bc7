package dev.moat.signing.key;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Public keys as Moat shows and uses them: PEM text, a fingerprint for reports, ECDSA verification. */
public final class PublicKeys {

  private PublicKeys() {}

  /** PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as cosign writes cosign.pub. */
  public static String pem(PublicKey key) {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject("PUBLIC KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  /** sha256 over the SubjectPublicKeyInfo DER, lower-case hex: Moat's key id in reports. */
  public static String fingerprint(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Verifies an ECDSA (P-256/384/521, SHA-256) DER signature; false (not an exception) for a bad signature or malformed DER. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (!(key instanceof ECPublicKey)) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
