package dev.moat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertPublisher;
import java.io.PrintWriter;

/**
 * Writes each alert as one JSON line. The plain stand-in until the alert pipeline (spool, sinks, noise control)
 * is wired into {@link DecoyCommand.Serve#publisher}.
 */
final class StdoutAlertPublisher implements AlertPublisher {

  private final ObjectMapper json = new ObjectMapper();
  private final PrintWriter out;

  StdoutAlertPublisher(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void publish(Alert alert) {
    ObjectNode line = json.createObjectNode();
    line.put("time", alert.time().toString());
    line.put("decoy", alert.decoyName());
    line.put("type", alert.decoyType());
    line.put("service", alert.service());
    line.put("namespace", alert.namespace());
    line.put("source_ip", alert.sourceIp());
    line.put("source_port", alert.sourcePort());
    line.put("protocol", alert.protocol());
    line.put("action", alert.action());
    line.put("severity", alert.severity().jsonName());
    line.put("mitre", alert.mitreTechnique());
    line.put("excerpt", alert.excerpt());
    alert.fields().forEach(line.putObject("fields")::put);
    line.put("count", alert.count());
    out.println(line);
    out.flush();
  }

  synchronized void flush() {
    out.flush();
  }
}
