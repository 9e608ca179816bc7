package dev.moat.report;

import java.util.Locale;

/** SARIF 2.1.0 {@code result.level} (§3.27.10). */
public enum SarifLevel {
  NONE,
  NOTE,
  WARNING,
  ERROR;

  public String sarifName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
