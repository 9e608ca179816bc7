package dev.moat.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.moat.testing.MoatProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each action.yml against SchemaStore's github-action schema, action-validator, and the wrapper's own rules. */
class ActionDefinitionTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, List<String>> OUTPUTS = Map.of(
      "sign", List.of("image-url", "image-digest", "key-id"),
      "verify", List.of("image-url", "image-digest", "signers", "signer-key-ids"),
      "copy", List.of("image-url", "image-digest", "copied-tags"),
      "whitelist", List.of("image-url", "image-digest", "whitelist-digest", "entry-count", "whitelist-path", "policies-dir"),
      "decoy", List.of("decoy-name", "service", "port", "decoys", "decoy-count", "removed", "removed-count", "deleted-objects"));

  /** Another action a step uses must be pinned to a full commit SHA, not a movable tag. */
  private static final java.util.regex.Pattern PINNED = java.util.regex.Pattern.compile("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}");

  static Stream<String> actions() {
    return ActionFiles.ACTIONS.stream();
  }

  private static JsonNode action(String name) throws Exception {
    return YAML.readTree(ActionFiles.actionDir(name).resolve("action.yml").toFile());
  }

  @ParameterizedTest
  @MethodSource("actions")
  void actionMatchesTheGithubActionSchema(String name) throws Exception {
    java.util.Set<ValidationMessage> errors = schema().validate(action(name));
    assertThat(errors).isEmpty();
  }

  @Test
  void theSchemaRejectsAMisspelledKey() throws Exception {
    JsonNode broken = action("sign");
    ((ObjectNode) broken.path("runs")).put("usign", "composite");
    assertThat(schema().validate(broken)).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("actions")
  void actionValidatorAcceptsTheAction(String name) throws Exception {
    var validator = ActionFiles.tool("action-validator", "ACTION_VALIDATOR", "npm ci --prefix .ci/lint");
    MoatProcess.Result r = MoatProcess.exec(List.of(validator.toString(), ActionFiles.actionDir(name).resolve("action.yml").toString()),
        Map.of(), ActionFiles.moduleDir(), 60);
    assertThat(r.exitCode()).as(r.all()).isZero();
  }

  @ParameterizedTest
  @MethodSource("actions")
  void inputsReachScriptsOnlyThroughEnv(String name) throws Exception {
    JsonNode action = action(name);
    assertThat(action.path("runs").path("using").asText()).isEqualTo("composite");
    StringBuilder envValues = new StringBuilder();
    for (JsonNode step : action.path("runs").path("steps")) {
      if (step.has("uses")) {
        assertThat(step.path("uses").asText()).as("pinned by commit SHA").matches(PINNED);
        assertThat(step.has("run")).isFalse();
        step.path("with").fields().forEachRemaining(e -> envValues.append(e.getValue().asText()).append('\n'));
        envValues.append(step.path("if").asText()).append('\n');
        continue;
      }
      assertThat(step.path("run").asText()).doesNotContain("${{");
      assertThat(step.path("shell").asText()).isEqualTo("bash");
      step.path("env").fields().forEachRemaining(e -> {
        assertThat(e.getKey()).startsWith("INPUT_");
        assertThat(e.getValue().asText()).isEqualTo("${{ inputs." + e.getKey().substring(6).toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " }}");
        envValues.append(e.getValue().asText()).append('\n');
      });
    }
    List<String> unused = new ArrayList<>();
    action.path("inputs").fieldNames().forEachRemaining(input -> {
      if (!envValues.toString().contains("${{ inputs." + input + " }}") && !envValues.toString().contains("inputs." + input + " ==")) {
        unused.add(input);
      }
    });
    assertThat(unused).as("inputs never passed to a step").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("actions")
  void outputsMapTheStageOutputsOfTheStep(String name) throws Exception {
    JsonNode outputs = action(name).path("outputs");
    List<String> names = new ArrayList<>();
    outputs.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(OUTPUTS.get(name));
    for (String output : names) {
      assertThat(outputs.path(output).path("value").asText()).isEqualTo("${{ steps." + name + ".outputs." + output + " }}");
    }
  }

  @Test
  void readmeShowsAWorkflowUsingEveryAction() throws Exception {
    String readme = Files.readString(ActionFiles.moduleDir().resolve("README.md"));
    assertThat(readme).contains("github-action/sign@", "github-action/verify@", "github-action/copy@", "github-action/whitelist@", "github-action/decoy@",
        "moat-version");
  }

  private static JsonSchema schema() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(ActionFiles.sharedSchemas().resolve("github/github-action.json").toFile());
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
  }

}
