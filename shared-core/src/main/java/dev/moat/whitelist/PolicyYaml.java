package dev.moat.whitelist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes policies as YAML documents: keys in the order built, strings quoted only where YAML needs it. */
final class PolicyYaml {

  static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build());

  private PolicyYaml() {}

  /** One or more documents, separated by {@code ---}, with a header comment. */
  static byte[] write(String header, List<? extends JsonNode> documents) {
    StringBuilder out = new StringBuilder();
    for (String line : header.split("\n")) {
      out.append("# ").append(line).append('\n');
    }
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        out.append("---\n");
      }
      try {
        out.append(MAPPER.writeValueAsString(documents.get(i)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write YAML", e);
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
