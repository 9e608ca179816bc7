package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** A P-256 private key held in memory (read from a file or an environment variable); signs with the JDK's SunEC. */
final class SoftwareSigningKey implements SigningKey {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String description;

  SoftwareSigningKey(PrivateKey privateKey, PublicKey publicKey, String description) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.description = description;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) throws MoatException {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new MoatException(Failure.KEY, "cannot sign with " + description + ": " + e.getMessage(), "", e);
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "SigningKey[" + description + "]";
  }
}
