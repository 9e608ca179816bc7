package dev.moat.stage;

import dev.moat.signing.key.PassphraseSource;
import java.time.Clock;
import java.util.Map;

/**
 * What a stage may use from where it runs: the environment (credentials, env:// keys), where passphrases come
 * from, and a clock.
 */
public record StageContext(Map<String, String> env, PassphraseSource passphrases, Clock clock) {

  public StageContext {
    env = Map.copyOf(env);
  }

  /** The process environment, passphrases from MOAT_PASSPHRASE / COSIGN_PASSWORD. */
  public static StageContext fromProcess() {
    Map<String, String> env = System.getenv();
    return new StageContext(env, PassphraseSource.fromEnvironment(env), Clock.systemUTC());
  }
}
