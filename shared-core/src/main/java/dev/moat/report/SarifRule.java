package dev.moat.report;

import java.util.Objects;

/**
 * One rule a tool checks ({@code reportingDescriptor}, SARIF 2.1.0 §3.49).
 *
 * @param id stable identifier ({@code moat/drift/unknown-path})
 * @param name short PascalCase name; may be null
 * @param shortDescription one sentence
 * @param level the default level of its results
 * @param helpUri where the rule is documented; may be null
 */
public record SarifRule(String id, String name, String shortDescription, SarifLevel level, String helpUri) {
  public SarifRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(shortDescription, "shortDescription");
    Objects.requireNonNull(level, "level");
  }
}
