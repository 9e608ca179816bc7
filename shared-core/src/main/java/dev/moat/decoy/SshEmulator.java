package dev.moat.decoy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The SSH decoy as a catalogue entry: the accepted weak {@code user:password} pairs and where its host key comes from.
 * {@link DecoyServer} starts an {@link SshDecoy} for it on its own listener.
 *
 * @param credentials accepted {@code user:password} pairs
 * @param hostKey the host key's file; {@link SshHostKey#IN_MEMORY} until {@code serve} gives it a state file
 */
public record SshEmulator(List<String> credentials, SshHostKey hostKey) implements Emulator {

  public SshEmulator {
    credentials = List.copyOf(credentials);
    hostKey = hostKey == null ? SshHostKey.IN_MEMORY : hostKey;
  }

  public SshEmulator(List<String> credentials) {
    this(credentials, SshHostKey.IN_MEMORY);
  }

  public static SshEmulator withDefaultCredentials() {
    return new SshEmulator(SshDecoy.DEFAULT_CREDENTIALS);
  }

  @Override
  public CatalogEntry describe() {
    return SshDecoy.describe();
  }

  /** The same decoy with another host key source. */
  public SshEmulator withHostKey(SshHostKey key) {
    return new SshEmulator(credentials, key);
  }

  /**
   * Gives a decoy whose host key is still in memory a state file in {@code directory} ({@code ssh-host-key-<name>}); an
   * operator's key file is kept.
   */
  public SshEmulator keepingHostKeyIn(Path directory, String decoyName) {
    return hostKey.inMemory() ? withHostKey(SshHostKey.stateFile(directory.resolve("ssh-host-key-" + decoyName))) : this;
  }

  /** A decoy for one identity. */
  SshDecoy decoy(DecoyIdentity identity, AlertPublisher publisher, Clock clock) {
    return SshDecoy.withHostKey(identity, publisher, clock, credentials, hostKey);
  }
}
