package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.tekton.v1.Param;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Pipeline;
import io.fabric8.tekton.v1.PipelineRun;
import io.fabric8.tekton.v1.PipelineTask;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskResult;
import io.fabric8.tekton.v1.TaskRun;
import io.fabric8.tekton.v1.WorkspaceBinding;
import io.fabric8.tekton.v1.WorkspaceDeclaration;
import io.fabric8.tekton.v1.WorkspacePipelineTaskBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pins what pipelines rely on: names, params, results, workspaces, and the catalog's safety rules. */
class TaskContractTest {

  static Stream<String> tasks() {
    return TektonCatalog.TASKS.stream();
  }

  private static final Map<String, List<String>> RESULTS = Map.of(
      "moat-sign", List.of("IMAGE_URL", "IMAGE_DIGEST", "KEY_ID"),
      "moat-verify", List.of("IMAGE_URL", "IMAGE_DIGEST", "SIGNERS", "SIGNER_KEY_IDS"),
      "moat-copy", List.of("IMAGE_URL", "IMAGE_DIGEST", "COPIED_TAGS"),
      "moat-learn-whitelist", List.of("IMAGE_URL", "IMAGE_DIGEST", "WHITELIST_DIGEST", "ENTRY_COUNT"),
      "moat-deploy-decoys",
      List.of("DECOY_NAME", "SERVICE", "PORT", "DECOYS", "DECOY_COUNT", "REMOVED", "REMOVED_COUNT", "DELETED_OBJECTS"));

  private static final Map<String, List<String>> REQUIRED_PARAMS = Map.of(
      "moat-sign", List.of("image"),
      "moat-verify", List.of("image"),
      "moat-copy", List.of("source", "destination"),
      "moat-learn-whitelist", List.of("image"),
      "moat-deploy-decoys", List.of());

  private static final Map<String, Map<String, Boolean>> WORKSPACES = Map.of(
      "moat-sign", Map.of("signing-key", false, "dockerconfig", true, "ca-bundle", true),
      "moat-verify", Map.of("public-keys", false, "dockerconfig", true, "ca-bundle", true),
      "moat-copy", Map.of("signing-key", true, "public-keys", true, "dockerconfig", true, "ca-bundle", true),
      "moat-learn-whitelist", Map.of("output", false, "signing-key", true, "dockerconfig", true, "ca-bundle", true),
      "moat-deploy-decoys", Map.of("config", true, "kubeconfig", true));

  /** Workspaces a task writes to; every other workspace is declared read-only. */
  private static final Map<String, List<String>> WRITTEN_WORKSPACES = Map.of("moat-learn-whitelist", List.of("output"));

  @ParameterizedTest
  @MethodSource("tasks")
  void taskCarriesTheCatalogMetadata(String name) {
    Task task = TektonCatalog.task(name);
    assertThat(task.getApiVersion()).isEqualTo("tekton.dev/v1");
    assertThat(task.getKind()).isEqualTo("Task");
    assertThat(task.getMetadata().getName()).isEqualTo(name);
    assertThat(task.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", TektonCatalog.VERSION);
    assertThat(task.getMetadata().getAnnotations()).containsKeys("tekton.dev/pipelines.minVersion", "tekton.dev/categories",
        "tekton.dev/tags", "tekton.dev/displayName", "tekton.dev/platforms");
    assertThat(task.getSpec().getDescription()).isNotBlank();
    assertThat(TektonCatalog.taskDir(name).resolve("README.md")).isRegularFile();
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void resultsIncludeTheChainsTypeHintsAndTheStageOutputs(String name) {
    List<String> results = TektonCatalog.task(name).getSpec().getResults().stream().map(TaskResult::getName).toList();
    assertThat(results).containsExactlyElementsOf(RESULTS.get(name));
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void onlyTheImageParamsAreRequiredAndNamesAreKebabCase(String name) {
    List<ParamSpec> params = TektonCatalog.task(name).getSpec().getParams();
    assertThat(params.stream().filter(p -> p.getDefault() == null).map(ParamSpec::getName)).containsExactlyElementsOf(REQUIRED_PARAMS.get(name));
    assertThat(params).allSatisfy(p -> {
      assertThat(p.getName()).matches("[a-z][a-z0-9-]*");
      assertThat(p.getType()).isEqualTo("string");
      assertThat(p.getDescription()).isNotBlank();
    });
    assertThat(params).filteredOn(p -> p.getName().equals("moat-image")).singleElement()
        .satisfies(p -> assertThat(p.getDefault().getStringVal()).startsWith("ghcr.io/moat-dev/moat:"));
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void workspacesAreDeclaredWithTheirOptionality(String name) {
    List<WorkspaceDeclaration> workspaces = TektonCatalog.task(name).getSpec().getWorkspaces();
    assertThat(workspaces).hasSize(WORKSPACES.get(name).size());
    for (WorkspaceDeclaration ws : workspaces) {
      assertThat(WORKSPACES.get(name)).containsEntry(ws.getName(), Boolean.TRUE.equals(ws.getOptional()));
      if (WRITTEN_WORKSPACES.getOrDefault(name, List.of()).contains(ws.getName())) {
        assertThat(ws.getReadOnly()).as("workspace %s is written", ws.getName()).isNotEqualTo(Boolean.TRUE);
      } else {
        assertThat(ws.getReadOnly()).as("workspace %s is only read", ws.getName()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void paramsReachTheScriptOnlyThroughEnvAndEveryParamIsUsed(String name) {
    Task task = TektonCatalog.task(name);
    for (Step step : task.getSpec().getSteps()) {
      assertThat(step.getScript()).startsWith("#!/bin/sh\nset -eu\n");
      assertThat(step.getScript()).doesNotContain("$(params.", "$(workspaces.", "$(results.", "${{");
      assertThat(step.getImage()).isEqualTo("$(params.moat-image)");
      assertThat(step.getArgs()).isNullOrEmpty();
      assertThat(step.getCommand()).isNullOrEmpty();
    }
    String wiring = task.getSpec().getSteps().stream()
        .flatMap(s -> Stream.concat(Stream.of(s.getImage()), s.getEnv().stream().map(TaskContractTest::describe)))
        .reduce("", (a, b) -> a + "\n" + b);
    for (ParamSpec param : task.getSpec().getParams()) {
      assertThat(wiring).as("param %s is passed to the step", param.getName()).contains("$(params." + param.getName() + ")");
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void stepsRunAsNonRoot(String name) {
    for (Step step : TektonCatalog.task(name).getSpec().getSteps()) {
      assertThat(step.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(step.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void thePassphraseComesFromAnOptionalSecretAndNeverFromAParam(String name) {
    for (Step step : TektonCatalog.task(name).getSpec().getSteps()) {
      for (EnvVar var : step.getEnv()) {
        if (var.getName().equals("MOAT_PASSPHRASE") || var.getName().contains("PASSWORD")) {
          assertThat(var.getValue()).isNull();
          assertThat(var.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void samplesAreTaskRunsThatGiveOnlyDeclaredParamsAndWorkspaces(String name) throws Exception {
    Task task = TektonCatalog.task(name);
    List<Path> samples = TektonCatalog.samples(TektonCatalog.taskDir(name));
    assertThat(samples).isNotEmpty();
    for (Path sample : samples) {
      TaskRun run = TektonCatalog.read(sample, TaskRun.class);
      assertThat(run.getApiVersion()).isEqualTo("tekton.dev/v1");
      assertThat(run.getSpec().getTaskRef().getName()).isEqualTo(name);
      assertThat(task.getSpec().getParams().stream().map(ParamSpec::getName))
          .containsAll(run.getSpec().getParams().stream().map(Param::getName).toList());
      assertThat(run.getSpec().getParams().stream().map(Param::getName)).containsAll(REQUIRED_PARAMS.get(name));
      assertThat(task.getSpec().getWorkspaces().stream().map(WorkspaceDeclaration::getName))
          .containsAll(run.getSpec().getWorkspaces().stream().map(WorkspaceBinding::getName).toList());
    }
  }

  @Test
  void pipelineSignsVerifiesThenCopiesTheVerifiedDigest() throws Exception {
    Pipeline pipeline = TektonCatalog.pipeline();
    assertThat(pipeline.getApiVersion()).isEqualTo("tekton.dev/v1");
    assertThat(pipeline.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", TektonCatalog.VERSION);
    List<PipelineTask> tasks = pipeline.getSpec().getTasks();
    assertThat(tasks.stream().map(t -> t.getTaskRef().getName())).containsExactly("moat-sign", "moat-verify", "moat-copy");
    assertThat(tasks.get(1).getRunAfter()).containsExactly("sign");
    assertThat(tasks.get(2).getRunAfter()).containsExactly("verify");
    for (PipelineTask pt : tasks) {
      Task task = TektonCatalog.task(pt.getTaskRef().getName());
      List<String> declared = task.getSpec().getParams().stream().map(ParamSpec::getName).toList();
      assertThat(declared).as("params of %s", pt.getName()).containsAll(pt.getParams().stream().map(Param::getName).toList());
      assertThat(pt.getParams().stream().map(Param::getName)).containsAll(REQUIRED_PARAMS.get(task.getMetadata().getName()));
      assertThat(task.getSpec().getWorkspaces().stream().map(WorkspaceDeclaration::getName))
          .containsAll(pt.getWorkspaces().stream().map(WorkspacePipelineTaskBinding::getName).toList());
    }
    Map<String, String> copyParams = tasks.get(2).getParams().stream().collect(java.util.stream.Collectors.toMap(Param::getName, p -> p.getValue().getStringVal()));
    assertThat(copyParams.get("source")).contains("$(tasks.verify.results.IMAGE_DIGEST)");
    assertThat(copyParams).containsKeys("public-key-file-names", "sign-key-file-name");
    for (Path sample : TektonCatalog.samples(TektonCatalog.pipelineDir())) {
      PipelineRun run = TektonCatalog.read(sample, PipelineRun.class);
      assertThat(run.getSpec().getPipelineRef().getName()).isEqualTo(TektonCatalog.PIPELINE);
    }
    assertThat(Files.readString(TektonCatalog.pipelineDir().resolve("README.md"))).contains("moat-copy");
  }

  private static String describe(EnvVar var) {
    if (var.getValue() != null) {
      return var.getName() + "=" + var.getValue();
    }
    var ref = var.getValueFrom().getSecretKeyRef();
    return var.getName() + "<-secret " + ref.getName() + "/" + ref.getKey();
  }
}
