package dev.moat.signing.key;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** The key a PEM text holds, decrypted: a private key, or (for "PUBLIC KEY") only a public key. */
record PemKey(PrivateKeyInfo privateKey, SubjectPublicKeyInfo publicKey) {

  static PemKey ofPrivate(PrivateKeyInfo privateKey) {
    return new PemKey(privateKey, null);
  }

  static PemKey ofPublic(SubjectPublicKeyInfo publicKey) {
    return new PemKey(null, publicKey);
  }

  boolean isPrivate() {
    return privateKey != null;
  }

  @Override
  public String toString() {
    return isPrivate() ? "PemKey[private]" : "PemKey[public]";
  }
}
