package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Temporary minimal writer (PKCS#8 only); replaced by the full one. */
public final class KeyPairWriter {
  private KeyPairWriter() {}

  public static GeneratedKey generate(Path prefix, KeyFormat format, char[] passphrase) throws MoatException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Path priv = Path.of(prefix + ".key");
      Path pub = Path.of(prefix + ".pub");
      Files.writeString(priv, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
      Files.writeString(pub, PublicKeys.pem(kp.getPublic()));
      return new GeneratedKey(priv, pub, kp.getPublic());
    } catch (Exception e) {
      throw new MoatException(Failure.KEY, "cannot generate: " + e.getMessage(), "");
    }
  }

  static PublicKey publicOf(ECPrivateKey key) throws Exception {
    var spec = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("secp256r1");
    var q = spec.getG().multiply(key.getS()).normalize();
    var pubSpec = new org.bouncycastle.jce.spec.ECPublicKeySpec(q, spec);
    PublicKey bc = KeyFactory.getInstance("EC", new BouncyCastleProvider()).generatePublic(pubSpec);
    return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(bc.getEncoded()));
  }
}
