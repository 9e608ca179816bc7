package dev.moat.decoy;

import java.util.Locale;

/** How bad a decoy interaction is. Falco's priorities are derived from it (CRITICAL, ERROR, WARNING, NOTICE). */
public enum AlertSeverity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
