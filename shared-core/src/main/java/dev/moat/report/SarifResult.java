package dev.moat.report;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One finding (SARIF 2.1.0 §3.27): which rule, how bad, what happened, and where.
 *
 * @param ruleId the {@link SarifRule#id()} it breaks
 * @param level its level
 * @param message plain-text message
 * @param artifactUri the file or path it is about ({@code physicalLocation.artifactLocation.uri}); may be null
 * @param logicalLocation a logical place ({@code logicalLocations[0].fullyQualifiedName}: a container, an
 *     endpoint); may be null
 * @param properties extra facts, written sorted by key to the result's property bag
 * @param fingerprints {@code partialFingerprints}: stable identities that let a viewer match results across runs
 */
public record SarifResult(
    String ruleId, SarifLevel level, String message, String artifactUri, String logicalLocation, Map<String, String> properties,
    Map<String, String> fingerprints) {

  public SarifResult(String ruleId, SarifLevel level, String message, String artifactUri, String logicalLocation, Map<String, String> properties) {
    this(ruleId, level, message, artifactUri, logicalLocation, properties, Map.of());
  }
  public SarifResult {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
    properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    fingerprints = java.util.Collections.unmodifiableMap(new TreeMap<>(fingerprints == null ? Map.of() : fingerprints));
  }
}
