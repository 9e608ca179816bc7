package dev.moat.scan.report;

import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import dev.moat.scan.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The scan report as a Markdown summary (GitHub's job summary, a pull-request comment): counts and the worst findings. */
public final class ScanMarkdownReport {

  private ScanMarkdownReport() {}

  /** One line: findings per severity, endpoints, requests. */
  public static String counted(ScanReport report) {
    List<String> parts = new ArrayList<>();
    report.countsBySeverity().forEach((s, n) -> parts.add(n + " " + s.name().toLowerCase(Locale.ROOT)));
    return report.findings().size() + " finding(s) (" + String.join(", ", parts) + ") on " + report.endpoints().size() + " endpoint(s) of "
        + report.target() + ", " + report.requestsSent() + " request(s)";
  }

  /** The summary with at most {@code rows} findings listed, worst first. */
  public static String summary(ScanReport report, int rows) {
    StringBuilder md = new StringBuilder("### Moat scan: ").append(cell(report.target())).append("\n\n");
    Map<Severity, Integer> counts = report.countsBySeverity();
    md.append("| critical | high | medium | low | info |\n|---|---|---|---|---|\n|");
    counts.values().forEach(n -> md.append(' ').append(n).append(" |"));
    md.append("\n\n").append(report.endpoints().size()).append(" endpoint(s), ").append(report.requestsSent()).append(" request(s), engine ")
        .append(report.engine()).append(".\n");
    if (!report.findings().isEmpty()) {
      md.append("\n| severity | type | method | URL | parameter | test method |\n|---|---|---|---|---|---|\n");
      for (Finding f : report.findings().stream().limit(rows).toList()) {
        md.append("| ").append(f.severity().name().toLowerCase(Locale.ROOT)).append(" | ").append(f.type().id()).append(" | ").append(f.method())
            .append(" | `").append(code(f.url())).append("` | ").append(f.parameter() == null ? "" : "`" + code(f.parameter()) + "`")
            .append(" | ").append(cell(shorten(f.testMethod().detection(), 120))).append(" |\n");
      }
      if (report.findings().size() > rows) {
        md.append("\n… and ").append(report.findings().size() - rows).append(" more in the reports.\n");
      }
    }
    if (!report.notes().isEmpty()) {
      md.append("\n<details><summary>").append(report.notes().size()).append(" note(s)</summary>\n\n");
      report.notes().stream().limit(rows).forEach(n -> md.append("- ").append(cell(n)).append('\n'));
      md.append("\n</details>\n");
    }
    return md.toString();
  }

  private static String shorten(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "…" : text;
  }

  /** Text in a table cell: no pipes, no line breaks, no HTML. */
  private static String cell(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  /** Text inside backticks: no backticks, pipes or line breaks. */
  private static String code(String text) {
    return text.replace("`", "'").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }
}
