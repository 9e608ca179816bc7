package dev.moat.scan.poc;

import dev.moat.scan.Severity;
import java.util.List;

/**
 * A template's {@code info} block.
 *
 * @param name what the template detects (the finding's title starts with it)
 * @param author who wrote it
 * @param severity the finding's severity
 * @param description what it is; may be empty
 * @param references links; may be empty
 * @param tags tags; may be empty
 * @param cveIds {@code classification.cve-id}; may be empty
 * @param cweIds {@code classification.cwe-id}; may be empty
 * @param remediation what to do; may be empty
 */
public record PocInfo(String name, String author, Severity severity, String description, List<String> references, List<String> tags,
    List<String> cveIds, List<String> cweIds, String remediation) {

  public PocInfo {
    references = List.copyOf(references);
    tags = List.copyOf(tags);
    cveIds = List.copyOf(cveIds);
    cweIds = List.copyOf(cweIds);
    description = description == null ? "" : description;
    remediation = remediation == null ? "" : remediation;
    author = author == null ? "" : author;
  }
}
