package dev.moat.decoy;

import java.util.List;

/** The decoys one {@code decoys.yaml} (or one command line) describes; names and ports are unique. */
public record DecoyConfig(List<DecoySpec> decoys) {
  public DecoyConfig {
    decoys = List.copyOf(decoys);
  }

  public List<ServedDecoy> served() {
    return decoys.stream().map(DecoySpec::served).toList();
  }

  /**
   * What {@code serve} runs: as {@link #served()}, with each SSH decoy that has no host key file of its own keeping
   * its generated host key, and each decoy with a generated TLS certificate keeping that, in {@code stateDirectory}
   * (the alert spool), so they are the same after a restart.
   */
  public List<ServedDecoy> served(java.nio.file.Path stateDirectory) {
    return served().stream().map(s -> s.emulator() instanceof SshEmulator ssh
        ? new ServedDecoy(s.identity(), ssh.keepingHostKeyIn(stateDirectory, s.identity().name()), s.port(), s.tls())
        : s.tls() != null ? new ServedDecoy(s.identity(), s.emulator(), s.port(), s.tls().keptIn(stateDirectory, s.identity().name()))
        : s).toList();
  }
}
