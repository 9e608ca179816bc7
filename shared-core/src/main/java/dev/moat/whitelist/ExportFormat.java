package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Locale;

/** The enforcers a whitelist exports to. */
public enum ExportFormat {
  KUBEARMOR,
  TETRAGON,
  FALCO,
  FAPOLICYD;

  public static ExportFormat parse(String value) throws MoatException {
    for (ExportFormat f : values()) {
      if (f.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return f;
      }
    }
    throw new MoatException(Failure.INVALID_INPUT, "export format '" + value + "' is unknown", "use kubearmor, tetragon, falco or fapolicyd");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
