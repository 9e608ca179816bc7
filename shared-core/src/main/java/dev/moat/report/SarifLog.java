package dev.moat.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SARIF 2.1.0 log with one run of one tool (OASIS sarif-v2.1.0, schema sarif-schema-2.1.0.json). Knows
 * nothing of what produced the results: a drift check and a scanner both fill the same four things — the
 * tool, its rules, the results, and where each result points.
 *
 * @param toolName {@code tool.driver.name}
 * @param toolVersion {@code tool.driver.version}; may be null
 * @param informationUri {@code tool.driver.informationUri}; may be null
 * @param rules the rules, in the order given
 * @param results the results, in the order given
 */
public record SarifLog(String toolName, String toolVersion, String informationUri, List<SarifRule> rules, List<SarifResult> results) {

  public static final String VERSION = "2.1.0";
  public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SarifLog {
    Objects.requireNonNull(toolName, "toolName");
    rules = List.copyOf(rules);
    results = List.copyOf(results);
  }

  /** The log as indented JSON with a final newline; the same log always gives the same bytes. */
  public byte[] toBytes() {
    ObjectNode log = MAPPER.createObjectNode();
    log.put("$schema", SCHEMA);
    log.put("version", VERSION);
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", toolName);
    if (toolVersion != null) {
      driver.put("version", toolVersion);
    }
    if (informationUri != null) {
      driver.put("informationUri", informationUri);
    }
    ArrayNode ruleArray = driver.putArray("rules");
    for (SarifRule rule : rules) {
      ObjectNode r = ruleArray.addObject();
      r.put("id", rule.id());
      if (rule.name() != null) {
        r.put("name", rule.name());
      }
      r.putObject("shortDescription").put("text", rule.shortDescription());
      r.putObject("defaultConfiguration").put("level", rule.level().sarifName());
      if (rule.helpUri() != null) {
        r.put("helpUri", rule.helpUri());
      }
      if (rule.help() != null) {
        r.putObject("help").put("text", rule.help());
      }
      if (!rule.tags().isEmpty() || rule.securitySeverity() != null) {
        ObjectNode bag = r.putObject("properties");
        if (!rule.tags().isEmpty()) {
          ArrayNode tags = bag.putArray("tags");
          rule.tags().forEach(tags::add);
        }
        if (rule.securitySeverity() != null) {
          bag.put("security-severity", rule.securitySeverity());
        }
      }
    }
    ArrayNode resultArray = run.putArray("results");
    for (SarifResult result : results) {
      ObjectNode r = resultArray.addObject();
      r.put("ruleId", result.ruleId());
      int index = ruleIndex(result.ruleId());
      if (index >= 0) {
        r.put("ruleIndex", index);
      }
      r.put("level", result.level().sarifName());
      r.putObject("message").put("text", result.message());
      if (result.artifactUri() != null || result.logicalLocation() != null) {
        ObjectNode location = r.putArray("locations").addObject();
        if (result.artifactUri() != null) {
          location.putObject("physicalLocation").putObject("artifactLocation").put("uri", uri(result.artifactUri()));
        }
        if (result.logicalLocation() != null) {
          location.putArray("logicalLocations").addObject().put("fullyQualifiedName", result.logicalLocation());
        }
      }
      if (!result.fingerprints().isEmpty()) {
        ObjectNode prints = r.putObject("partialFingerprints");
        result.fingerprints().forEach(prints::put);
      }
      if (!result.properties().isEmpty()) {
        ObjectNode bag = r.putObject("properties");
        for (Map.Entry<String, String> p : result.properties().entrySet()) {
          bag.put(p.getKey(), p.getValue());
        }
      }
    }
    try {
      return (MAPPER.writeValueAsString(log) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a SARIF log", e);
    }
  }

  private int ruleIndex(String id) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * An absolute path becomes a {@code file:} URI reference with its characters percent-encoded (SARIF §3.4.3
   * wants valid URI references); anything that already parses as a URI is kept.
   */
  static String uri(String value) {
    if (value.startsWith("/")) {
      try {
        return new URI("file", "", value, null).toASCIIString();
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("not a path: " + value, e);
      }
    }
    return value;
  }
}
