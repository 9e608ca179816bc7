package dev.moat.signing.key;

import java.nio.file.Path;
import java.security.PublicKey;

public record GeneratedKey(Path privateKey, Path publicKey, PublicKey key) {}
