package dev.moat.signing.key;

import dev.moat.MoatException;
import java.util.Map;

@FunctionalInterface
public interface PassphraseSource {
  char[] passphrase(String what) throws MoatException;

  PassphraseSource NONE = what -> null;

  static PassphraseSource fromEnvironment(Map<String, String> env) {
    return what -> {
      String v = env.get("MOAT_PASSPHRASE");
      if (v == null) {
        v = env.get("COSIGN_PASSWORD");
      }
      return v == null ? null : v.toCharArray();
    };
  }
}
