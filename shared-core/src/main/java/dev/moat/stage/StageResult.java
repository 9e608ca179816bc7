package dev.moat.stage;

import dev.moat.Failure;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a stage produced: its verdict; for a failure, why (the {@link Failure} gives the CLI's exit code);
 * outputs (Tekton results, action outputs, the Jenkins step's return value); a short Markdown summary; and
 * the report files it wrote.
 */
public record StageResult(Verdict verdict, Failure failure, String message, Map<String, String> outputs, String summary, List<Path> reports) {

  public StageResult {
    outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    reports = List.copyOf(reports);
  }

  public static StageResult pass(String message, Map<String, String> outputs, String summary) {
    return new StageResult(Verdict.PASS, null, message, outputs, summary, List.of());
  }

  public static StageResult fail(Failure failure, String message, Map<String, String> outputs, String summary) {
    return new StageResult(Verdict.FAIL, failure, message, outputs, summary, List.of());
  }

  public boolean passed() {
    return verdict != Verdict.FAIL;
  }
}
