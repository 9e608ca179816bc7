package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.stage.StageListener;
import dev.moat.stage.StageResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a stage's outputs go besides the console: key=value lines (GitHub's $GITHUB_OUTPUT), one file per
 * output (Tekton's results directory) and the Markdown summary ($GITHUB_STEP_SUMMARY).
 */
final class OutputOptionsMixin {

  @Option(names = "--outputs-file", paramLabel = "FILE", description = "Append the outputs as KEY=VALUE lines to FILE.")
  Path outputsFile;

  @Option(names = "--results-dir", paramLabel = "DIR", description = "Write each output to DIR/KEY (Tekton results).")
  Path resultsDir;

  @Option(names = "--summary-file", paramLabel = "FILE", description = "Append the Markdown summary to FILE.")
  Path summaryFile;

  @Option(names = {"-v", "--verbose"}, description = "Show every blob and signature checked.")
  boolean verbose;

  StageListener listener(PrintWriter err) {
    boolean detail = verbose;
    return new StageListener() {
      @Override
      public void info(String message) {
        err.println(message);
      }

      @Override
      public void warn(String message) {
        err.println("warning: " + message);
      }

      @Override
      public void detail(String message) {
        if (detail) {
          err.println(message);
        }
      }
    };
  }

  /** Publishes the result and returns the exit code. */
  int publish(StageResult result, PrintWriter out, PrintWriter err) throws MoatException {
    try {
      if (outputsFile != null) {
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> e : result.outputs().entrySet()) {
          lines.append(e.getKey().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append('=').append(e.getValue()).append('\n');
        }
        Files.writeString(outputsFile, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      if (resultsDir != null) {
        Files.createDirectories(resultsDir);
        for (Map.Entry<String, String> e : result.outputs().entrySet()) {
          Files.writeString(resultsDir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
      }
      if (summaryFile != null) {
        Files.writeString(summaryFile, result.summary() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write outputs: " + e.getMessage(), "check --outputs-file, --results-dir and --summary-file");
    }
    if (result.passed()) {
      out.println(result.message());
      return 0;
    }
    err.println("moat: " + result.message());
    return result.failure().exitCode();
  }
}
