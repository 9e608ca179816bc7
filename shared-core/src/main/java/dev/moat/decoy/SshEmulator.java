package dev.moat.decoy;

import java.time.Clock;
import java.util.List;

/**
 * The SSH decoy as a catalogue entry: the accepted weak {@code user:password} pairs. {@link DecoyServer} starts an
 * {@link SshDecoy} for it on its own listener.
 *
 * @param credentials accepted {@code user:password} pairs
 */
public record SshEmulator(List<String> credentials) implements Emulator {

  public SshEmulator {
    credentials = List.copyOf(credentials);
  }

  public static SshEmulator withDefaultCredentials() {
    return new SshEmulator(SshDecoy.DEFAULT_CREDENTIALS);
  }

  @Override
  public CatalogEntry describe() {
    return SshDecoy.describe();
  }

  /** A decoy for one identity; its host key is kept in memory (a new one on every start). */
  SshDecoy decoy(DecoyIdentity identity, AlertPublisher publisher, Clock clock) {
    return new SshDecoy(identity, publisher, clock, credentials, null);
  }
}
