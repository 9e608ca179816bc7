package dev.moat.signing.key;

/** How {@link KeyPairWriter} writes a private key. */
public enum KeyFormat {
  /** PEM "PRIVATE KEY": unencrypted PKCS#8. */
  PKCS8,
  /** PEM "ENCRYPTED PRIVATE KEY": PKCS#8 under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC). */
  PKCS8_ENCRYPTED,
  /** PEM "ENCRYPTED SIGSTORE PRIVATE KEY": cosign's format, scrypt + NaCl secretbox over PKCS#8. */
  COSIGN
}
