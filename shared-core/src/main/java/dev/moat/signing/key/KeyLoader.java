package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/** Temporary minimal loader (PKCS#8 only); replaced by the full one. */
public final class KeyLoader {
  private KeyLoader() {}

  public static SigningKey loadSigningKey(String spec, PassphraseSource passphrase, Map<String, String> env) throws MoatException {
    try {
      String pem = Files.readString(Path.of(spec));
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey priv = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      PublicKey pub = KeyPairWriter.publicOf((ECPrivateKey) priv);
      return new SigningKey() {
        @Override public PublicKey publicKey() { return pub; }
        @Override public byte[] sign(byte[] message) throws MoatException {
          try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(priv);
            s.update(message);
            return s.sign();
          } catch (Exception e) {
            throw new MoatException(Failure.KEY, "cannot sign: " + e.getMessage(), "");
          }
        }
        @Override public String description() { return "file " + spec; }
      };
    } catch (Exception e) {
      throw new MoatException(Failure.KEY, "cannot read key " + spec, "");
    }
  }

  public static PublicKey loadPublicKey(String spec, PassphraseSource passphrase, Map<String, String> env) throws MoatException {
    try {
      String pem = Files.readString(Path.of(spec));
      if (pem.contains("PRIVATE")) {
        return loadSigningKey(spec, passphrase, env).publicKey();
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    } catch (MoatException e) {
      throw e;
    } catch (Exception e) {
      throw new MoatException(Failure.KEY, "cannot read key " + spec, "");
    }
  }
}
