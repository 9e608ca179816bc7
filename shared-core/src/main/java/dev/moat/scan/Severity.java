package dev.moat.scan;

import java.util.Locale;

/** How bad a finding is, from worst to least. {@code --fail-on} gates compare with {@link #atLeast}. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /** True when this severity is as bad as {@code threshold} or worse. */
  public boolean atLeast(Severity threshold) {
    return ordinal() <= threshold.ordinal();
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code critical|high|medium|low|info}, any case; null when it is none of them. */
  public static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return s;
      }
    }
    return null;
  }
}
