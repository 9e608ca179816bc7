package dev.moat.signing.key;

public enum KeyFormat { PKCS8, PKCS8_ENCRYPTED, COSIGN }
