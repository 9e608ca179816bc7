package dev.moat.scan.zap;

import dev.moat.scan.Confidence;
import dev.moat.scan.Severity;
import dev.moat.scan.VulnerabilityClass;
import java.util.Map;
import org.zaproxy.clientapi.core.Alert;

/**
 * How a ZAP alert becomes a Moat finding: its CWE picks the vulnerability class (alerts of other CWEs are not
 * one of Moat's thirteen classes and are counted in the report's notes), ZAP's risk gives the severity and its
 * confidence the confidence. False positives marked in ZAP are dropped.
 */
final class ZapAlertMapping {

  private static final Map<Integer, VulnerabilityClass> BY_CWE = Map.ofEntries(
      Map.entry(79, VulnerabilityClass.XSS), Map.entry(80, VulnerabilityClass.XSS), Map.entry(83, VulnerabilityClass.XSS),
      Map.entry(89, VulnerabilityClass.SQL_INJECTION), Map.entry(943, VulnerabilityClass.SQL_INJECTION),
      Map.entry(77, VulnerabilityClass.COMMAND_INJECTION), Map.entry(78, VulnerabilityClass.COMMAND_INJECTION),
      Map.entry(94, VulnerabilityClass.CODE_INJECTION), Map.entry(95, VulnerabilityClass.CODE_INJECTION),
      Map.entry(917, VulnerabilityClass.CODE_INJECTION), Map.entry(1336, VulnerabilityClass.CODE_INJECTION),
      Map.entry(22, VulnerabilityClass.PATH_TRAVERSAL), Map.entry(23, VulnerabilityClass.PATH_TRAVERSAL), Map.entry(98, VulnerabilityClass.PATH_TRAVERSAL),
      Map.entry(538, VulnerabilityClass.DIRECTORY_ENUMERATION), Map.entry(548, VulnerabilityClass.DIRECTORY_ENUMERATION),
      Map.entry(530, VulnerabilityClass.DIRECTORY_ENUMERATION), Map.entry(527, VulnerabilityClass.DIRECTORY_ENUMERATION),
      Map.entry(611, VulnerabilityClass.XXE), Map.entry(776, VulnerabilityClass.XXE),
      Map.entry(434, VulnerabilityClass.FILE_UPLOAD),
      Map.entry(521, VulnerabilityClass.WEAK_PASSWORD), Map.entry(798, VulnerabilityClass.WEAK_PASSWORD), Map.entry(1392, VulnerabilityClass.WEAK_PASSWORD),
      Map.entry(918, VulnerabilityClass.SSRF),
      Map.entry(601, VulnerabilityClass.OPEN_REDIRECT),
      Map.entry(93, VulnerabilityClass.CRLF_INJECTION), Map.entry(113, VulnerabilityClass.CRLF_INJECTION));

  private ZapAlertMapping() {}

  /** The class for the alert's CWE; JSONP has no CWE of its own in ZAP, so it is matched by name. Null when none fits. */
  static VulnerabilityClass type(Alert alert) {
    VulnerabilityClass byCwe = BY_CWE.get(alert.getCweId());
    if (byCwe != null) {
      return byCwe;
    }
    String name = alert.getName() == null ? "" : alert.getName().toLowerCase(java.util.Locale.ROOT);
    return name.contains("jsonp") ? VulnerabilityClass.JSONP : null;
  }

  static Severity severity(Alert.Risk risk) {
    if (risk == null) {
      return Severity.INFO;
    }
    return switch (risk) {
      case High -> Severity.HIGH;
      case Medium -> Severity.MEDIUM;
      case Low -> Severity.LOW;
      default -> Severity.INFO;
    };
  }

  /** Null for alerts the ZAP user marked as false positives. */
  static Confidence confidence(Alert.Confidence confidence) {
    if (confidence == null) {
      return Confidence.TENTATIVE;
    }
    return switch (confidence) {
      case FalsePositive -> null;
      case Confirmed, High -> Confidence.CONFIRMED;
      case Medium -> Confidence.FIRM;
      default -> Confidence.TENTATIVE;
    };
  }
}
