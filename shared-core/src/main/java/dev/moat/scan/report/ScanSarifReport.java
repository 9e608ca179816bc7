package dev.moat.scan.report;

import dev.moat.report.SarifLevel;
import dev.moat.report.SarifLog;
import dev.moat.report.SarifResult;
import dev.moat.report.SarifRule;
import dev.moat.scan.Finding;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scan report as SARIF 2.1.0, shaped for GitHub code scanning: one rule per vulnerability class (all 13,
 * so a viewer lists what was tested), tagged with its CWE and carrying a {@code security-severity}; a result per
 * finding with a stable partial fingerprint. A finding's location is its URL: a dynamic scan has no source file,
 * and the URL is what a reader needs to reproduce it (GitHub shows such results without a code snippet).
 */
public final class ScanSarifReport {

  private ScanSarifReport() {}

  public static String ruleId(VulnerabilityClass type) {
    return "moat/scan/" + type.id();
  }

  public static byte[] toBytes(dev.moat.scan.ScanReport report) {
    List<SarifRule> rules = new ArrayList<>();
    for (VulnerabilityClass c : VulnerabilityClass.values()) {
      rules.add(new SarifRule(ruleId(c), pascal(c.id()), c.title() + " (CWE-" + c.cwe() + ")", level(c.defaultSeverity()),
          "https://cwe.mitre.org/data/definitions/" + c.cwe() + ".html", c.remediation(),
          List.of("security", "external/cwe/cwe-" + c.cwe()), securitySeverity(c.defaultSeverity())));
    }
    List<SarifResult> results = new ArrayList<>();
    for (Finding f : report.findings()) {
      Map<String, String> properties = new TreeMap<>();
      properties.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
      properties.put("confidence", f.confidence().name().toLowerCase(Locale.ROOT));
      properties.put("method", f.method());
      if (f.parameter() != null) {
        properties.put("parameter", f.parameter());
        properties.put("parameterLocation", f.location() == null ? "" : f.location().name().toLowerCase(Locale.ROOT));
      }
      properties.put("payload", f.testMethod().payload());
      properties.put("detection", f.testMethod().detection());
      properties.put("security-severity", securitySeverity(f.severity()));
      String message = f.title() + ": " + f.method() + " " + f.url() + (f.parameter() == null ? "" : ", parameter '" + f.parameter() + "'")
          + ". Tested with " + f.testMethod().payload() + " — " + f.testMethod().detection();
      results.add(new SarifResult(ruleId(f.type()), level(f.severity()), message, f.url(), f.method() + " " + f.url(), properties,
          Map.of("moatFinding/v1", f.dedupeKey())));
    }
    return new SarifLog("moat", ScanSarifReport.class.getPackage().getImplementationVersion(), "https://moat.dev", rules, results).toBytes();
  }

  static SarifLevel level(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> SarifLevel.ERROR;
      case MEDIUM -> SarifLevel.WARNING;
      case LOW, INFO -> SarifLevel.NOTE;
    };
  }

  /** GitHub's bands: critical over 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. */
  static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "0.0";
    };
  }

  private static String pascal(String id) {
    StringBuilder sb = new StringBuilder();
    for (String part : id.split("-")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }
}
