package dev.moat.decoy;

/**
 * What answers for one decoy type: an {@link HttpEmulator} (the runtime parses HTTP), a {@link StreamEmulator} (the
 * runtime hands it bytes) or an {@link SshEmulator} (MINA SSHD runs its own listener). Every kind describes itself
 * for the catalogue.
 */
public interface Emulator {

  CatalogEntry describe();
}
