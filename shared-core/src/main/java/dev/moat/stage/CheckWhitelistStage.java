package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.whitelist.DriftChecker;
import dev.moat.whitelist.DriftReport;
import dev.moat.whitelist.ObservedExecution;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The drift-check stage: every observed execution the whitelist does not list (by path, or by hash) is drift. */
public final class CheckWhitelistStage {

  /** Rows of the Markdown summary; the reports hold every drift. */
  private static final int SUMMARY_ROWS = 50;

  public StageResult run(CheckWhitelistRequest request, StageContext context, StageListener listener) throws MoatException {
    Whitelist whitelist = WhitelistDocument.read(request.whitelist());
    List<ObservedExecution> executions = DriftChecker.readEvents(request.events());
    DriftReport report = new DriftChecker().check(whitelist, executions);
    List<Path> reports = new ArrayList<>();
    if (request.jsonReport() != null) {
      reports.add(write(request.jsonReport(), DriftChecker.json(report)));
    }
    if (request.sarifReport() != null) {
      reports.add(write(request.sarifReport(), DriftChecker.sarif(report)));
    }
    for (DriftReport.Drift drift : report.drifts()) {
      listener.warn("drift: " + describe(drift));
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("IMAGE_DIGEST", whitelist.image().digest());
    outputs.put("CHECKED", Integer.toString(report.checked()));
    outputs.put("SKIPPED", Integer.toString(report.skipped()));
    outputs.put("DRIFT_COUNT", Integer.toString(report.drifts().size()));
    String counted = report.checked() + " execution(s) of " + whitelist.image().reference() + " checked"
        + (report.skipped() > 0 ? ", " + report.skipped() + " of other images skipped" : "");
    if (!report.drifted()) {
      return new StageResult(Verdict.PASS, null, "No drift: " + counted, outputs, "### Moat: no drift\n\n" + counted + "\n", reports);
    }
    String message = report.drifts().size() + " drifted execution(s) (" + counted + ")";
    StringBuilder summary = new StringBuilder("### Moat: DRIFT\n\n").append(message).append("\n\n| path | reason | where | seen in |\n|---|---|---|---|\n");
    report.drifts().stream().limit(SUMMARY_ROWS).forEach(d -> summary.append("| `").append(d.execution().path()).append("` | ").append(reason(d))
        .append(" | ").append(where(d.execution())).append(" | ").append(d.execution().origin()).append(" |\n"));
    if (report.drifts().size() > SUMMARY_ROWS) {
      summary.append("\n… and ").append(report.drifts().size() - SUMMARY_ROWS).append(" more in the reports.\n");
    }
    return new StageResult(Verdict.FAIL, Failure.DRIFT, message, outputs, summary.toString(), reports);
  }

  /** One line for a drift: path, reason, container/pod, where it was seen. */
  public static String describe(DriftReport.Drift drift) {
    String where = where(drift.execution());
    return drift.execution().path() + " (" + reason(drift) + ")" + (where.isEmpty() ? "" : " in " + where) + " — " + drift.execution().origin();
  }

  private static String reason(DriftReport.Drift drift) {
    if (drift.reason() == DriftReport.Reason.HASH_MISMATCH) {
      return "hash " + abbreviate(drift.execution().sha256()) + " differs from the whitelisted " + abbreviate(drift.expectedSha256());
    }
    return drift.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static String abbreviate(String sha256) {
    return sha256 == null ? "?" : sha256.length() > 12 ? sha256.substring(0, 12) + "…" : sha256;
  }

  private static String where(ObservedExecution execution) {
    Map<String, String> details = execution.details() == null ? Map.of() : execution.details();
    return details.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  private static Path write(Path file, byte[] content) throws MoatException {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.write(file, content);
      return file;
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write report " + file + ": " + e.getMessage(), "check that the directory is writable");
    }
  }
}
