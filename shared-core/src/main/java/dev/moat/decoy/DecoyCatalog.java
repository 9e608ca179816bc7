package dev.moat.decoy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every built-in decoy type, by name: what {@code moat decoy catalog} lists and what configs may name. */
public final class DecoyCatalog {

  private final Map<String, Object> emulators = new TreeMap<>();

  /** The built-in catalogue. */
  public static DecoyCatalog builtIn() {
    DecoyCatalog catalog = new DecoyCatalog();
    UnauthorisedAccessDecoys.all().forEach(catalog::add);
    ExecutionDecoys.all().forEach(catalog::add);
    catalog.add(SshEmulator.withDefaultCredentials());
    return catalog;
  }

  /** Adds an {@link HttpEmulator}, a {@link StreamEmulator} or an {@link SshEmulator}. */
  public void add(Object emulator) {
    if (!(emulator instanceof Emulator e)) {
      throw new IllegalArgumentException("not an emulator: " + emulator);
    }
    CatalogEntry entry = e.describe();
    if (emulators.putIfAbsent(entry.type(), emulator) != null) {
      throw new IllegalStateException("two decoys of type " + entry.type());
    }
  }

  public Optional<Object> find(String type) {
    return Optional.ofNullable(emulators.get(type));
  }

  /** The generic decoys {@code decoys.yaml} builds from routes ({@code http}) or a banner ({@code tcp-banner}). */
  public static List<CatalogEntry> customEntries() {
    return List.of(new RoutedHttpDecoy(List.of(), Map.of()).describe(),
        new BannerDecoy("", List.of(), AlertSeverity.LOW, "tcp.line").describe());
  }

  public List<CatalogEntry> entries() {
    List<CatalogEntry> entries = new ArrayList<>();
    for (Object e : emulators.values()) {
      entries.add(((Emulator) e).describe());
    }
    return Collections.unmodifiableList(entries);
  }
}
