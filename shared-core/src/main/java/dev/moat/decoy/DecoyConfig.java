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
}
