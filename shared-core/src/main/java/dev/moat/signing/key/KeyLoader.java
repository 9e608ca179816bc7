package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.security.PublicKey;
import java.util.Map;

/**
 * Loads signing keys and public keys from what a user names: a file path, {@code env://VAR}, or an RFC 7512
 * {@code pkcs11:} URI. Files and variables hold PEM; see {@link PemKeyReader} for the types accepted.
 */
public final class KeyLoader {

  private KeyLoader() {}

  /** spec: a file path; "env://VAR" (PEM text in an environment variable, as cosign does); or an RFC 7512 "pkcs11:" URI. */
  public static SigningKey loadSigningKey(String spec, PassphraseSource passphrase, Map<String, String> env)
      throws MoatException {
    if (Pkcs11Uri.isPkcs11(spec)) {
      return Pkcs11SigningKey.open(Pkcs11Uri.parse(spec, env), passphrase);
    }
    KeyText source = KeyText.resolve(spec, env);
    PemKey key = PemKeyReader.read(source.text(), source.name(), passphrase);
    if (!key.isPrivate()) {
      throw new MoatException(
          Failure.KEY,
          source.name() + " is a public key; signing needs the private key",
          "name the .key file, not the .pub file");
    }
    return new SoftwareSigningKey(
        EcKeyConverter.signingKey(key.privateKey(), source.name()),
        EcKeyConverter.verifyingKey(
            EcKeyConverter.publicHalf(key.privateKey(), source.name(), EcKeyConverter.SIGNING_KEYS),
            source.name()),
        source.description());
  }

  /** spec: a PEM public key file ("PUBLIC KEY"), a private key file of any supported format (its public half), "env://VAR", or a pkcs11: URI (the token's public key). */
  public static PublicKey loadPublicKey(String spec, PassphraseSource passphrase, Map<String, String> env)
      throws MoatException {
    if (Pkcs11Uri.isPkcs11(spec)) {
      return Pkcs11SigningKey.open(Pkcs11Uri.parse(spec, env), passphrase).publicKey();
    }
    KeyText source = KeyText.resolve(spec, env);
    PemKey key = PemKeyReader.read(source.text(), source.name(), passphrase);
    return EcKeyConverter.verifyingKey(
        key.isPrivate()
            ? EcKeyConverter.publicHalf(key.privateKey(), source.name(), EcKeyConverter.VERIFYING_KEYS)
            : key.publicKey(),
        source.name());
  }
}
