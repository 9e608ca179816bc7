package dev.moat.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.moat.testing.MoatProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a composite action's {@code run:} steps on this machine the way the Actions runner does: inputs with
 * their defaults, {@code ${{ … }}} expressions evaluated only where the runner evaluates them here (step
 * {@code env:} values and the action's {@code outputs}), each script run as {@code bash --noprofile --norc
 * -eo pipefail {0}} with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, GITHUB_ENV, RUNNER_TEMP,
 * GITHUB_WORKSPACE and GITHUB_ACTION_PATH, and the files those name read back after each step. Supported
 * expressions: inputs.X, env.X, github.action_path, runner.temp, steps.ID.outputs.X; anything else fails. A
 * step that {@code uses:} another action is not run (it would be downloaded from GitHub): its evaluated
 * {@code with:} values are recorded instead. {@code if:} is emulated for {@code inputs.X == 'literal'} only.
 */
final class LocalActionRun {

  /** How the run ended: exit code of the failing step (or 0), the log, the action's outputs, raw files. */
  record Outcome(int exitCode, String log, Map<String, String> outputs, String outputsFiles, String summary, Map<String, Map<String, String>> used) {}

  private static final Pattern INPUT_EQUALS = Pattern.compile("inputs\\.([A-Za-z0-9_-]+)\\s*==\\s*'([^']*)'");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}");

  private final Path actionDir;
  private final JsonNode action;
  private final Map<String, String> inputs = new HashMap<>();
  private final Map<String, String> jobEnv = new HashMap<>();

  LocalActionRun(Path actionDir) throws IOException {
    this.actionDir = actionDir;
    this.action = YAML.readTree(actionDir.resolve("action.yml").toFile());
  }

  LocalActionRun input(String name, String value) {
    inputs.put(name, value);
    return this;
  }

  LocalActionRun env(String name, String value) {
    jobEnv.put(name, value);
    return this;
  }

  Outcome run(Path runnerTemp, Path workspace) throws IOException, InterruptedException {
    Map<String, String> values = new HashMap<>();
    JsonNode declared = action.path("inputs");
    assertThat(iterable(declared.fieldNames())).as("inputs given").containsAll(inputs.keySet());
    declared.fields().forEachRemaining(e -> {
      String value = inputs.containsKey(e.getKey()) ? inputs.get(e.getKey()) : e.getValue().path("default").asText("");
      if (e.getValue().path("required").asBoolean(false)) {
        assertThat(value).as("required input %s", e.getKey()).isNotEmpty();
      }
      values.put(e.getKey(), value);
    });
    assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");

    Map<String, String> env = new LinkedHashMap<>(jobEnv);
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    env.put("RUNNER_TEMP", runnerTemp.toString());
    env.put("GITHUB_WORKSPACE", workspace.toString());
    env.put("GITHUB_ACTION_PATH", actionDir.toString());
    env.put("GITHUB_ACTIONS", "true");
    Map<String, Map<String, String>> stepOutputs = new HashMap<>();
    Map<String, Map<String, String>> used = new LinkedHashMap<>();
    StringBuilder log = new StringBuilder();
    StringBuilder outputsFiles = new StringBuilder();
    StringBuilder summary = new StringBuilder();
    int index = 0;
    for (JsonNode step : action.path("runs").path("steps")) {
      index++;
      if (step.has("if")) {
        Matcher condition = INPUT_EQUALS.matcher(step.path("if").asText().trim());
        assertThat(condition.matches()).as("step %d: only if: inputs.X == 'literal' is emulated", index).isTrue();
        assertThat(values).containsKey(condition.group(1));
        if (!values.get(condition.group(1)).equals(condition.group(2))) {
          continue;
        }
      }
      if (step.has("uses")) {
        Map<String, String> with = new LinkedHashMap<>();
        step.path("with").fields().forEachRemaining(e -> with.put(e.getKey(), evaluate(e.getValue().asText(), values, env, runnerTemp, stepOutputs)));
        used.put(step.path("uses").asText(), with);
        continue;
      }
      assertThat(step.path("shell").asText()).isEqualTo("bash");
      String script = step.path("run").asText();
      assertThat(script).as("run: never expands expressions (script injection)").doesNotContain("${{");

      Map<String, String> stepEnv = new LinkedHashMap<>(env);
      Path output = Files.createFile(runnerTemp.resolve("_output_" + index));
      Path stepSummary = Files.createFile(runnerTemp.resolve("_summary_" + index));
      Path path = Files.createFile(runnerTemp.resolve("_path_" + index));
      Path envFile = Files.createFile(runnerTemp.resolve("_env_" + index));
      stepEnv.put("GITHUB_OUTPUT", output.toString());
      stepEnv.put("GITHUB_STEP_SUMMARY", stepSummary.toString());
      stepEnv.put("GITHUB_PATH", path.toString());
      stepEnv.put("GITHUB_ENV", envFile.toString());
      step.path("env").fields().forEachRemaining(e -> stepEnv.put(e.getKey(), evaluate(e.getValue().asText(), values, env, runnerTemp, Map.of())));

      Path file = runnerTemp.resolve("_step_" + index + ".sh");
      Files.writeString(file, script, StandardCharsets.UTF_8);
      MoatProcess.Result r = MoatProcess.exec(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", file.toString()), stepEnv, workspace, 600);
      Files.delete(file);
      log.append(r.all());
      String written = Files.readString(output, StandardCharsets.UTF_8);
      outputsFiles.append(written);
      summary.append(Files.readString(stepSummary, StandardCharsets.UTF_8));
      if (step.has("id")) {
        stepOutputs.put(step.path("id").asText(), parseOutputs(written));
      }
      for (String dir : Files.readAllLines(path)) {
        if (!dir.isBlank()) {
          env.put("PATH", dir.trim() + ":" + env.get("PATH"));
        }
      }
      env.putAll(parseOutputs(Files.readString(envFile, StandardCharsets.UTF_8)));
      if (r.exitCode() != 0) {
        return new Outcome(r.exitCode(), log.toString(), Map.of(), outputsFiles.toString(), summary.toString(), used);
      }
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    action.path("outputs").fields().forEachRemaining(e ->
        outputs.put(e.getKey(), evaluate(e.getValue().path("value").asText(), values, env, runnerTemp, stepOutputs)));
    return new Outcome(0, log.toString(), outputs, outputsFiles.toString(), summary.toString(), used);
  }

  /**
   * Runs in fresh {@code temp/name/runner-temp} and {@code temp/name/workspace} directories and checks that no secret
   * the action wrote to RUNNER_TEMP (a key, a kubeconfig: {@code moat-key.*}, {@code moat-kubeconfig.*}) is left.
   */
  Outcome runIn(Path temp, String name) throws IOException, InterruptedException {
    Path runner = Files.createDirectories(temp.resolve(name + "/runner-temp"));
    Path workspace = Files.createDirectories(temp.resolve(name + "/workspace"));
    Outcome outcome = run(runner, workspace);
    try (java.util.stream.Stream<Path> left = Files.list(runner)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("secret files left in RUNNER_TEMP")
          .noneMatch(f -> f.startsWith("moat-key.") || f.startsWith("moat-kubeconfig."));
    }
    return outcome;
  }

  /** GITHUB_OUTPUT / GITHUB_ENV syntax: name=value lines and name<<DELIMITER … DELIMITER blocks. */
  static Map<String, String> parseOutputs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int heredoc = line.indexOf("<<");
      int eq = line.indexOf('=');
      if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
        String name = line.substring(0, heredoc);
        String delimiter = line.substring(heredoc + 2);
        StringBuilder value = new StringBuilder();
        while (++i < lines.length && !lines[i].equals(delimiter)) {
          value.append(value.length() == 0 ? "" : "\n").append(lines[i]);
        }
        out.put(name, value.toString());
      } else if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  private String evaluate(String text, Map<String, String> inputValues, Map<String, String> env, Path runnerTemp,
      Map<String, Map<String, String>> steps) {
    Matcher m = EXPRESSION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String expr = m.group(1);
      String value;
      if (expr.startsWith("inputs.")) {
        assertThat(inputValues).as("expression %s", expr).containsKey(expr.substring(7));
        value = inputValues.get(expr.substring(7));
      } else if (expr.startsWith("env.")) {
        value = env.getOrDefault(expr.substring(4), "");
      } else if (expr.equals("github.action_path")) {
        value = actionDir.toString();
      } else if (expr.equals("runner.temp")) {
        value = runnerTemp.toString();
      } else if (expr.matches("steps\\.[A-Za-z0-9_-]+\\.outputs\\.[A-Za-z0-9_-]+")) {
        String[] parts = expr.split("\\.");
        assertThat(steps).as("expression %s names a step with an id", expr).containsKey(parts[1]);
        value = steps.get(parts[1]).getOrDefault(parts[3], "");
      } else {
        throw new AssertionError("expression not emulated: " + expr);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static <T> List<T> iterable(Iterator<T> it) {
    List<T> list = new java.util.ArrayList<>();
    it.forEachRemaining(list::add);
    return list;
  }
}
