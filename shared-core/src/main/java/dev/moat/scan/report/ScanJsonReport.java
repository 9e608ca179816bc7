package dev.moat.scan.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.scan.Finding;
import dev.moat.scan.ScanReport;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The scan report as a versioned JSON document ({@code moat.dev/scan-report/v1}, described in docs/scan.md). */
public final class ScanJsonReport {

  public static final String FORMAT = "moat.dev/scan-report/v1";
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScanJsonReport() {}

  public static ObjectNode tree(ScanReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("tool", "moat");
    String version = ScanJsonReport.class.getPackage().getImplementationVersion();
    if (version != null) {
      root.put("toolVersion", version);
    }
    root.put("target", report.target());
    root.put("engine", report.engine());
    root.put("started", report.started().toString());
    root.put("finished", report.finished().toString());
    root.put("requests", report.requestsSent());
    root.put("endpoints", report.endpoints().size());
    ObjectNode counts = root.putObject("counts");
    report.countsBySeverity().forEach((s, n) -> counts.put(s.name().toLowerCase(Locale.ROOT), n));
    ArrayNode findings = root.putArray("findings");
    for (Finding f : report.findings()) {
      ObjectNode n = findings.addObject();
      n.put("type", f.type().id());
      n.put("cwe", f.cwe());
      n.put("title", f.title());
      n.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
      n.put("confidence", f.confidence().name().toLowerCase(Locale.ROOT));
      n.put("method", f.method());
      n.put("url", f.url());
      n.put("endpoint", f.endpoint());
      n.put("parameter", f.parameter());
      n.put("location", f.location() == null ? null : f.location().name().toLowerCase(Locale.ROOT));
      ObjectNode test = n.putObject("testMethod");
      test.put("payload", f.testMethod().payload());
      test.put("detection", f.testMethod().detection());
      ObjectNode evidence = n.putObject("evidence");
      evidence.put("request", f.evidence().request());
      evidence.put("response", f.evidence().response());
      n.put("remediation", f.remediation());
    }
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    return root;
  }

  public static byte[] toBytes(ScanReport report) {
    try {
      return (MAPPER.writeValueAsString(tree(report)) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a scan report", e);
    }
  }
}
