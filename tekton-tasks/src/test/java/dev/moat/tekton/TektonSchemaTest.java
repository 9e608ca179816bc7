package dev.moat.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validates the YAML against Tekton's own CRD schemas (tektoncd/pipeline v1.15.0, spec.versions[v1]). The API
 * server prunes unknown fields instead of rejecting them; {@code kubectl apply} with strict field validation
 * rejects them, and so does this test: every object without x-kubernetes-preserve-unknown-fields gets
 * additionalProperties: false.
 */
class TektonSchemaTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<String> tasks() {
    return TektonCatalog.TASKS.stream();
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void taskMatchesTheTektonV1TaskSchema(String name) throws Exception {
    JsonSchema schema = schema("300-task.yaml");
    Set<ValidationMessage> errors = schema.validate(YAML.readTree(TektonCatalog.taskFile(name).toFile()));
    assertThat(errors).isEmpty();
  }

  @Test
  void pipelineMatchesTheTektonV1PipelineSchema() throws Exception {
    JsonSchema schema = schema("300-pipeline.yaml");
    assertThat(schema.validate(YAML.readTree(TektonCatalog.pipelineFile().toFile()))).isEmpty();
  }

  @Test
  void aMisspelledStepFieldIsRejected() throws Exception {
    JsonNode task = YAML.readTree(TektonCatalog.taskFile("moat-sign").toFile());
    ((ObjectNode) task.path("spec").path("steps").get(0)).put("scirpt", "echo");
    assertThat(schema("300-task.yaml").validate(task)).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("scirpt"));
  }

  private static JsonSchema schema(String crd) throws Exception {
    Path file = TektonCatalog.sharedSchemas().resolve("tekton").resolve(crd);
    JsonNode definition = YAML.readTree(file.toFile());
    JsonNode openApi = null;
    for (JsonNode version : definition.path("spec").path("versions")) {
      if (version.path("name").asText().equals("v1")) {
        openApi = version.path("schema").path("openAPIV3Schema").deepCopy();
      }
    }
    assertThat(openApi).as("v1 schema in %s", file).isNotNull();
    closeObjects(openApi);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(openApi);
  }

  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties") && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      object.forEach(TektonSchemaTest::closeObjects);
    } else if (node != null && node.isArray()) {
      node.forEach(TektonSchemaTest::closeObjects);
    }
  }
}
