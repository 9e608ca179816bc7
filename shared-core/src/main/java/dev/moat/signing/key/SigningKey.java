package dev.moat.signing.key;

import dev.moat.MoatException;
import java.security.PublicKey;

/** A private key Moat can sign with: a key file, a key in an environment variable, or a key on a PKCS#11 token. */
public interface SigningKey {

  PublicKey publicKey();

  /** ECDSA P-256 with SHA-256 over message; ASN.1 DER signature, as cosign writes. */
  byte[] sign(byte[] message) throws MoatException;

  /** For messages and logs: e.g. "file cosign.key", "env://MOAT_KEY", "pkcs11:token=moat;object=signer". Never any secret. */
  String description();
}
