package dev.moat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Third-party schemas from ../shared/schemas next to the project root (never copied into the project). A CRD's
 * openAPIV3Schema is validated as in tekton-tasks' TektonSchemaTest: objects without
 * x-kubernetes-preserve-unknown-fields get additionalProperties: false, as strict field validation does.
 */
public final class SharedSchemas {

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SharedSchemas() {}

  public static Path dir() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("mvnw"))) {
      here = here.getParent();
    }
    Path dir = here == null ? Path.of("/nonexistent") : here.resolveSibling("shared").resolve("schemas");
    assumeTrue(Files.isDirectory(dir), "skipped: " + dir + " is absent (the schemas live in ../shared/schemas next to the project root)");
    return dir;
  }

  /** A Kubernetes kind's schema (yannh's v1.32.2 standalone-strict: draft-04 documents naming an unversioned meta-schema). */
  public static JsonSchema kubernetes(String file) throws Exception {
    ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(dir().resolve("kubernetes/v1.32.2-standalone-strict").resolve(file).toFile());
    schema.remove("$schema");
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
  }

  public static JsonSchema crd(String file, String version) throws Exception {
    JsonNode definition = YAML.readTree(dir().resolve(file).toFile());
    JsonNode openApi = null;
    for (JsonNode v : definition.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        openApi = v.path("schema").path("openAPIV3Schema").deepCopy();
      }
    }
    if (openApi == null) {
      throw new IllegalStateException("no " + version + " schema in " + file);
    }
    closeObjects(openApi);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(openApi);
  }

  public static JsonSchema json(String file) throws Exception {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(new ObjectMapper().readTree(dir().resolve(file).toFile()));
  }

  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties") && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      object.forEach(SharedSchemas::closeObjects);
    } else if (node != null && node.isArray()) {
      node.forEach(SharedSchemas::closeObjects);
    }
  }
}
