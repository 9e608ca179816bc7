package dev.moat.signing.key;

import java.nio.file.Path;
import java.security.PublicKey;

/** What {@link KeyPairWriter#generate} wrote: the private key file, the public key file and the public key. */
public record GeneratedKey(Path privateKey, Path publicKey, PublicKey key) {}
