package dev.moat.signing;

import dev.moat.signing.key.PublicKeys;
import java.security.PublicKey;

/** A public key the user trusts, with the name they gave it (a file, env://VAR, a pkcs11: URI). */
public record TrustedKey(String name, PublicKey key) {

  public String fingerprint() {
    return PublicKeys.fingerprint(key);
  }
}
