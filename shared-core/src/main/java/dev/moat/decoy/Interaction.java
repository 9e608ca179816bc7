package dev.moat.decoy;

import java.time.Clock;
import java.util.Map;

/**
 * One connection to a decoy, as an emulator sees it: who is on the other end, and a way to raise alerts that
 * carry the decoy's identity and the peer's address.
 */
public final class Interaction {

  private final DecoyIdentity decoy;
  private final String sourceIp;
  private final int sourcePort;
  private final String protocol;
  private final AlertPublisher publisher;
  private final Clock clock;

  public Interaction(DecoyIdentity decoy, String sourceIp, int sourcePort, String protocol, AlertPublisher publisher, Clock clock) {
    this.decoy = decoy;
    this.sourceIp = sourceIp;
    this.sourcePort = sourcePort;
    this.protocol = protocol;
    this.publisher = publisher;
    this.clock = clock;
  }

  public DecoyIdentity decoy() {
    return decoy;
  }

  public String sourceIp() {
    return sourceIp;
  }

  public int sourcePort() {
    return sourcePort;
  }

  public String protocol() {
    return protocol;
  }

  /** Raises an alert now. {@code action} is {@code <protocol>.<verb>}; {@code excerpt} is cut and escaped. */
  public void alert(String action, AlertSeverity severity, String mitreTechnique, String excerpt, Map<String, String> fields) {
    publisher.publish(new Alert(clock.instant(), decoy.name(), decoy.type(), decoy.service(), decoy.namespace(), sourceIp, sourcePort,
        protocol, action, excerpt, severity, mitreTechnique, fields, 1));
  }
}
