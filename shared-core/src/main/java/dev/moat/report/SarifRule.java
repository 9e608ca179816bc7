package dev.moat.report;

import java.util.List;
import java.util.Objects;

/**
 * One rule a tool checks ({@code reportingDescriptor}, SARIF 2.1.0 §3.49).
 *
 * @param id stable identifier ({@code moat/drift/unknown-path})
 * @param name short PascalCase name; may be null
 * @param shortDescription one sentence
 * @param level the default level of its results
 * @param helpUri where the rule is documented; may be null
 * @param help what to do about its results (plain text); may be null
 * @param tags property-bag tags ({@code security}, {@code external/cwe/cwe-79}); GitHub code scanning filters by them
 * @param securitySeverity the {@code security-severity} score (0.0–10.0) GitHub code scanning ranks by; may be null
 */
public record SarifRule(String id, String name, String shortDescription, SarifLevel level, String helpUri, String help, List<String> tags,
    String securitySeverity) {

  public SarifRule(String id, String name, String shortDescription, SarifLevel level, String helpUri) {
    this(id, name, shortDescription, level, helpUri, null, List.of(), null);
  }
  public SarifRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(shortDescription, "shortDescription");
    Objects.requireNonNull(level, "level");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
