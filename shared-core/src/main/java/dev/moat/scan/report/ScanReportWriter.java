package dev.moat.scan.report;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.ScanReport;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Writes a scan report in the chosen formats into a directory; each file appears whole or not at all. */
public final class ScanReportWriter {

  /** Findings the Markdown summary lists; the other formats hold every finding. */
  public static final int MARKDOWN_ROWS = 50;

  private ScanReportWriter() {}

  /** Writes {@code report}; {@code tested} are the classes the scan ran (the JUnit suites). Returns the files written. */
  public static List<Path> write(ScanReport report, List<VulnerabilityClass> tested, Path dir, List<ReportFormat> formats) throws MoatException {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (ReportFormat format : formats) {
        byte[] content = switch (format) {
          case JSON -> ScanJsonReport.toBytes(report);
          case SARIF -> ScanSarifReport.toBytes(report);
          case JUNIT -> ScanJunitReport.toBytes(report, tested);
          case HTML -> ScanHtmlReport.toBytes(report);
          case MARKDOWN -> ScanMarkdownReport.summary(report, MARKDOWN_ROWS).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        };
        written.add(atomically(dir.resolve(format.fileName()), content));
      }
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write the scan reports to " + dir + ": " + e.getMessage(),
          "check that the report directory is writable, or choose another with --report-dir");
    }
    return written;
  }

  private static Path atomically(Path file, byte[] content) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return file;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
