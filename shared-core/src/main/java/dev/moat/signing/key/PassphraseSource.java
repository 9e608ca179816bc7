package dev.moat.signing.key;

import dev.moat.MoatException;
import java.util.Map;

/** Where the passphrase of an encrypted key, or the PIN of a PKCS#11 token, comes from. */
@FunctionalInterface
public interface PassphraseSource {

  /** The passphrase for an encrypted key or a PKCS#11 PIN, or null when none is available. `what` names the key for a prompt. */
  char[] passphrase(String what) throws MoatException;

  PassphraseSource NONE = what -> null;

  /**
   * MOAT_PASSPHRASE, else COSIGN_PASSWORD, from the given environment map. A variable that is set but empty
   * counts: cosign writes keys with an empty password that way.
   */
  static PassphraseSource fromEnvironment(Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    return what -> {
      String value = copy.get("MOAT_PASSPHRASE");
      if (value == null) {
        value = copy.get("COSIGN_PASSWORD");
      }
      return value == null ? null : value.toCharArray();
    };
  }
}
