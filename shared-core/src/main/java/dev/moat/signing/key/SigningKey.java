package dev.moat.signing.key;

import dev.moat.MoatException;
import java.security.PublicKey;

public interface SigningKey {
  PublicKey publicKey();

  byte[] sign(byte[] message) throws MoatException;

  String description();
}
