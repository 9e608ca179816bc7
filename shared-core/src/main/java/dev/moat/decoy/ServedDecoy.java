package dev.moat.decoy;

import java.util.Objects;

/**
 * One decoy a {@link DecoyServer} runs: who it is, what answers, and where.
 *
 * @param identity name, type, Service and namespace, for its alerts
 * @param emulator an {@link HttpEmulator}, a {@link StreamEmulator} or an {@link SshEmulator}
 * @param port the port to listen on; 0 picks a free one
 * @param tls TLS in front of an HTTP decoy; null for plain
 */
public record ServedDecoy(DecoyIdentity identity, Object emulator, int port, DecoyTls tls) {

  /** A decoy without TLS. */
  public ServedDecoy(DecoyIdentity identity, Object emulator, int port) {
    this(identity, emulator, port, null);
  }

  public ServedDecoy {
    Objects.requireNonNull(identity, "identity");
    if (!(emulator instanceof Emulator)) {
      throw new IllegalArgumentException("not an emulator: " + emulator);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("not a port: " + port);
    }
    if (tls != null && !(emulator instanceof HttpEmulator)) {
      throw new IllegalArgumentException("TLS is for HTTP decoys only: " + identity.name());
    }
  }
}
