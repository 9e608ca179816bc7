package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertSeverity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamSinkFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A real alert as Falco writes it with json_output, quoted from falcosecurity/plugins, plugins/collector/README.md
   * (the rule "Read sensitive file untrusted"); shortened only by leaving out some output_fields entries.
   */
  private static final String FALCO_SAMPLE = "{\"hostname\":\"host\",\"output\":\"12:50:34.502309868: Warning Sensitive file opened for"
      + " reading by non-trusted program (file=/etc/shadow user=root process=cat command=cat /etc/shadow container_id=host)\","
      + "\"output_fields\":{\"container.id\":\"host\",\"evt.time\":1746622234502309868,\"evt.type\":\"openat\",\"fd.name\":\"/etc/shadow\","
      + "\"proc.cmdline\":\"cat /etc/shadow\",\"proc.name\":\"cat\",\"user.name\":\"root\",\"user.uid\":0},\"priority\":\"Warning\","
      + "\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":[\"T1555\",\"container\",\"filesystem\",\"host\","
      + "\"maturity_stable\",\"mitre_credential_access\"],\"time\":\"2025-05-07T12:50:34.502309868Z\"}";

  /** Falco's priority names, as rules and json_output spell them. */
  private static final Set<String> FALCO_PRIORITIES =
      Set.of("Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug");

  /** The keys OpenCanary's logger writes on every alert (opencanary/logger.py, LoggerBase.sanitizeLog). */
  private static final Set<String> OPENCANARY_KEYS = Set.of("dst_host", "dst_port", "local_time", "local_time_adjusted", "logdata",
      "logtype", "node_id", "src_host", "src_port", "utc_time");

  @TempDir
  Path spool;

  private static final Instant WHEN = Instant.parse("2026-11-22T10:15:30.123456789Z");

  private static SpooledAlert alert(String protocol, String action, AlertSeverity severity) {
    return new SpooledAlert("3f1c0c52-1111-4a5e-9a7b-0123456789ab", new Alert(WHEN, "payments-cache", "redis", "payments-cache", "prod",
        "10.0.0.5", 40001, protocol, action, "CONFIG SET dir /root/.ssh", severity, "T1190", Map.of("command", "CONFIG"), 1));
  }

  private static Set<String> keys(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void falcoLinesHaveTheShapeOfARealFalcoAlert() throws Exception {
    JsonNode sample = JSON.readTree(FALCO_SAMPLE);
    JsonNode ours = JSON.readTree(FalcoJsonSink.render(alert("redis", "redis.config_set", AlertSeverity.HIGH), "node-1"));

    assertThat(keys(ours)).isEqualTo(keys(sample));
    for (Iterator<String> it = sample.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      assertThat(ours.get(key).getNodeType()).as(key).isEqualTo(sample.get(key).getNodeType());
    }
    assertThat(ours.get("output_fields").get("evt.time").isIntegralNumber()).isTrue();
    assertThat(ours.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    assertThat(sample.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    assertThat(ours.get("output").asText()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{9}: Error .*");
    assertThat(sample.get("output").asText()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{9}: Warning .*");
  }

  @Test
  void falcoLinesCarryTheAlert() throws Exception {
    JsonNode n = JSON.readTree(FalcoJsonSink.render(alert("redis", "redis.config_set", AlertSeverity.CRITICAL), "node-1"));

    assertThat(n.get("time").asText()).isEqualTo("2026-11-22T10:15:30.123456789Z");
    assertThat(n.get("priority").asText()).isEqualTo("Critical");
    assertThat(n.get("rule").asText()).isEqualTo("Moat decoy redis.config_set");
    assertThat(n.get("source").asText()).isEqualTo("moat-decoy");
    assertThat(n.get("hostname").asText()).isEqualTo("node-1");
    assertThat(n.get("output").asText()).isEqualTo("10:15:30.123456789: Critical Moat decoy payments-cache (redis): redis.config_set from"
        + " 10.0.0.5:40001 (excerpt=CONFIG SET dir /root/.ssh)");
    JsonNode f = n.get("output_fields");
    assertThat(f.get("evt.time").asLong()).isEqualTo(WHEN.getEpochSecond() * 1_000_000_000L + WHEN.getNano());
    assertThat(f.get("fd.cip").asText()).isEqualTo("10.0.0.5");
    assertThat(f.get("fd.cport").asInt()).isEqualTo(40001);
    assertThat(f.get("k8s.ns.name").asText()).isEqualTo("prod");
    assertThat(f.get("moat.decoy.name").asText()).isEqualTo("payments-cache");
    assertThat(f.get("moat.alert.id").asText()).isEqualTo("3f1c0c52-1111-4a5e-9a7b-0123456789ab");
    assertThat(f.get("moat.field.command").asText()).isEqualTo("CONFIG");
    assertThat(n.get("tags")).extracting(JsonNode::asText).contains("T1190", "moat", "decoy", "redis");
  }

  @Test
  void everySeverityMapsToAFalcoPriority() {
    for (AlertSeverity s : AlertSeverity.values()) {
      assertThat(FALCO_PRIORITIES).contains(FalcoJsonSink.priority(s));
    }
    assertThat(FalcoJsonSink.priority(AlertSeverity.MEDIUM)).isEqualTo("Warning");
    assertThat(FalcoJsonSink.priority(AlertSeverity.LOW)).isEqualTo("Notice");
    assertThat(FalcoJsonSink.priority(AlertSeverity.INFO)).isEqualTo("Informational");
  }

  @Test
  void openCanaryLinesHaveOpenCanarysKeysAndLogtypeCodes() throws Exception {
    JsonNode n = JSON.readTree(OpenCanaryJsonSink.render(alert("redis", "redis.config_set", AlertSeverity.HIGH), "canary-1"));

    assertThat(keys(n)).isEqualTo(OPENCANARY_KEYS);
    assertThat(n.get("logtype").asInt()).isEqualTo(17001); // LOG_REDIS_COMMAND
    assertThat(n.get("src_host").asText()).isEqualTo("10.0.0.5");
    assertThat(n.get("src_port").asInt()).isEqualTo(40001);
    assertThat(n.get("dst_port").asInt()).isEqualTo(-1);
    assertThat(n.get("node_id").asText()).isEqualTo("canary-1");
    assertThat(n.get("utc_time").asText()).isEqualTo("2026-11-22 10:15:30.123456");
    assertThat(n.get("local_time").asText()).isEqualTo("2026-11-22 10:15:30.123456");
    assertThat(n.get("local_time_adjusted").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    assertThat(n.get("logdata").get("ACTION").asText()).isEqualTo("redis.config_set");
    assertThat(n.get("logdata").get("ID").asText()).isEqualTo("3f1c0c52-1111-4a5e-9a7b-0123456789ab");
    assertThat(n.get("logdata").get("COMMAND").asText()).isEqualTo("CONFIG");

    assertThat(OpenCanaryJsonSink.logtype(alert("http", "http.path_traversal", AlertSeverity.HIGH).alert())).isEqualTo(3000);
    assertThat(OpenCanaryJsonSink.logtype(alert("ssh", "ssh.login", AlertSeverity.HIGH).alert())).isEqualTo(4002);
    assertThat(OpenCanaryJsonSink.logtype(alert("tcp", "tcp.data", AlertSeverity.LOW).alert())).isEqualTo(18005);
  }

  @Test
  void theStdoutSinksWriteOneParsableLinePerAlertThroughThePipeline() throws Exception {
    for (String format : List.of("falco", "opencanary")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AlertOptions options = new AlertOptions(AlertOptions.parseStdoutFormat(format), List.of(), null, null, spool.resolve(format),
          Duration.ZERO, 0);
      try (AlertPipeline p = AlertPipeline.fromOptions(options, out, "node-1", w -> {})) {
        for (int i = 0; i < 5; i++) {
          p.publish(alert("redis", "redis.config_set", AlertSeverity.HIGH).alert().withCount(1));
        }
        Alerts.await("5 " + format + " lines", () -> out.toString(StandardCharsets.UTF_8).lines().count() >= 5);
      }
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
        lines.add(JSON.readTree(line));
      }
      assertThat(lines).as(format).hasSize(5);
      if (format.equals("falco")) {
        assertThat(lines).allSatisfy(n -> assertThat(n.get("output_fields").get("moat.action").asText()).isEqualTo("redis.config_set"));
      } else {
        assertThat(lines).allSatisfy(n -> assertThat(keys(n)).isEqualTo(OPENCANARY_KEYS));
      }
    }
  }
}
