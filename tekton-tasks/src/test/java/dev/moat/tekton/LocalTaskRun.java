package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.MoatProcess;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskResult;
import io.fabric8.tekton.v1.WorkspaceDeclaration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a Task's steps on this machine the way Tekton's controller and entrypoint would, without a cluster:
 * params, workspaces and result paths are substituted into step fields, env entries are built (secretKeyRef
 * from the given secrets, honouring {@code optional}), and each step's script is written out and executed by
 * its shebang. The step image is not used: a {@code moat} shim on PATH runs the freshly built CLI jar, which
 * is what the moat image's entrypoint runs. Not emulated: the container, securityContext, volume mounts.
 */
final class LocalTaskRun {

  /** How the run ended: the exit code of the first failing step (or 0), the log, and the results written. */
  record Outcome(int exitCode, String log, Map<String, String> results) {}

  private static final Pattern PARAM = Pattern.compile("\\$\\(params\\.([A-Za-z0-9_-]+)\\)");
  private static final Pattern RESULT = Pattern.compile("\\$\\(results\\.([A-Za-z0-9_-]+)\\.path\\)");
  private static final Pattern WORKSPACE = Pattern.compile("\\$\\(workspaces\\.([A-Za-z0-9_-]+)\\.(path|bound)\\)");

  private final Task task;
  private final Map<String, String> params = new HashMap<>();
  private final Map<String, Path> workspaces = new HashMap<>();
  private final Map<String, Map<String, String>> secrets = new HashMap<>();

  LocalTaskRun(Task task) {
    this.task = task;
  }

  LocalTaskRun param(String name, String value) {
    params.put(name, value);
    return this;
  }

  LocalTaskRun workspace(String name, Path dir) {
    workspaces.put(name, dir);
    return this;
  }

  LocalTaskRun secret(String name, Map<String, String> data) {
    secrets.put(name, data);
    return this;
  }

  Outcome run(Path work) throws IOException, InterruptedException {
    Map<String, String> values = new HashMap<>();
    List<String> declared = task.getSpec().getParams().stream().map(ParamSpec::getName).toList();
    assertThat(declared).as("params given to %s", task.getMetadata().getName()).containsAll(params.keySet());
    for (ParamSpec spec : task.getSpec().getParams()) {
      String value = params.containsKey(spec.getName()) ? params.get(spec.getName())
          : spec.getDefault() == null ? null : spec.getDefault().getStringVal();
      assertThat(value).as("param %s has no value and no default", spec.getName()).isNotNull();
      values.put(spec.getName(), value);
    }
    for (WorkspaceDeclaration ws : task.getSpec().getWorkspaces()) {
      if (!Boolean.TRUE.equals(ws.getOptional())) {
        assertThat(workspaces).as("required workspace %s", ws.getName()).containsKey(ws.getName());
      }
    }
    assertThat(task.getSpec().getWorkspaces().stream().map(WorkspaceDeclaration::getName).toList()).containsAll(workspaces.keySet());

    Path results = Files.createDirectories(work.resolve("tekton/results"));
    Path bin = Files.createDirectories(work.resolve("tekton/bin"));
    Path home = Files.createDirectories(work.resolve("tekton/home"));
    Path shim = bin.resolve("moat");
    Files.writeString(shim, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '" + MoatProcess.jar() + "' \"$@\"\n");
    Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));

    StringBuilder log = new StringBuilder();
    int index = 0;
    for (Step step : task.getSpec().getSteps()) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", bin + ":" + System.getenv("PATH"));
      env.put("HOME", home.toString());
      for (EnvVar var : step.getEnv()) {
        if (var.getValueFrom() != null) {
          SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
          assertThat(ref).as("env %s: only secretKeyRef is emulated", var.getName()).isNotNull();
          String value = secrets.getOrDefault(substitute(ref.getName(), values, results), Map.of()).get(substitute(ref.getKey(), values, results));
          if (value == null) {
            assertThat(ref.getOptional()).as("secret for env %s is missing and not optional", var.getName()).isTrue();
            continue;
          }
          env.put(var.getName(), value);
        } else {
          env.put(var.getName(), substitute(var.getValue() == null ? "" : var.getValue(), values, results));
        }
      }
      Path script = work.resolve("tekton/scripts/" + (index++) + "-" + step.getName());
      Files.createDirectories(script.getParent());
      Files.writeString(script, substitute(step.getScript(), values, results), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      MoatProcess.Result r = MoatProcess.exec(List.of(script.toString()), env, work, 300);
      log.append(r.all());
      if (r.exitCode() != 0) {
        return new Outcome(r.exitCode(), log.toString(), read(results));
      }
    }
    return new Outcome(0, log.toString(), read(results));
  }

  private Map<String, String> read(Path results) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (TaskResult result : task.getSpec().getResults()) {
      Path file = results.resolve(result.getName());
      if (Files.exists(file)) {
        out.put(result.getName(), Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private String substitute(String text, Map<String, String> values, Path results) {
    String out = replace(PARAM, text, m -> {
      assertThat(values).as("unknown param in %s", m.group()).containsKey(m.group(1));
      return values.get(m.group(1));
    });
    out = replace(RESULT, out, m -> {
      assertThat(task.getSpec().getResults().stream().map(TaskResult::getName)).as("undeclared result %s", m.group()).contains(m.group(1));
      return results.resolve(m.group(1)).toString();
    });
    out = replace(WORKSPACE, out, m -> {
      assertThat(task.getSpec().getWorkspaces().stream().map(WorkspaceDeclaration::getName)).as("undeclared workspace %s", m.group()).contains(m.group(1));
      Path dir = workspaces.get(m.group(1));
      return m.group(2).equals("bound") ? String.valueOf(dir != null) : dir == null ? "" : dir.toString();
    });
    assertThat(out).as("a Tekton variable is left unsubstituted").doesNotContain("$(params.", "$(results.", "$(workspaces.", "$(context.");
    return out;
  }

  private static String replace(Pattern pattern, String text, java.util.function.Function<Matcher, String> value) {
    Matcher m = pattern.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(value.apply(m)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
