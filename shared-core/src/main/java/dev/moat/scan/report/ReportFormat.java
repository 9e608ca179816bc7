package dev.moat.scan.report;

import java.util.Locale;

/** The scan report formats and the file each is written to. */
public enum ReportFormat {
  JSON("moat-scan.json"),
  SARIF("moat-scan.sarif"),
  JUNIT("moat-scan-junit.xml"),
  HTML("moat-scan.html"),
  MARKDOWN("moat-scan.md");

  private final String fileName;

  ReportFormat(String fileName) {
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named {@code id} ({@code md} for Markdown), or null. */
  public static ReportFormat byId(String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    if (lower.equals("md")) {
      return MARKDOWN;
    }
    for (ReportFormat f : values()) {
      if (f.id().equals(lower)) {
        return f;
      }
    }
    return null;
  }
}
