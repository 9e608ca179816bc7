package dev.moat.signing.key;

import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

public final class PublicKeys {
  private PublicKeys() {}

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  public static String fingerprint(PublicKey key) {
    return HexFormat.of().formatHex(dev.moat.image.Digest.newSha256().digest(key.getEncoded()));
  }

  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (Exception e) {
      return false;
    }
  }
}
