package dev.moat.decoy;

import java.util.Map;
import java.util.Objects;

/**
 * One decoy as {@code decoys.yaml} or the command line describes it.
 *
 * @param name unique name; the Service name when none is given
 * @param type a catalogue type, or {@code http} / {@code tcp-banner}
 * @param port the port it listens on (0 = any free port, command line only)
 * @param service the Kubernetes Service name (deployment)
 * @param namespace the Kubernetes namespace (deployment); null for the current one
 * @param labels extra labels (deployment)
 * @param replicas how many pods (deployment)
 * @param emulator what answers: a catalogue emulator or one built from the routes or banner
 * @param definition the decoy's own entry of {@code decoys.yaml} as JSON when it carries more than a catalogue type
 *     does (routes, a banner, replies, credentials, tls, a host key…), so a deployment can hand it to the pod; null otherwise
 * @param tls TLS in front of an HTTP decoy (the type's default unless the entry says otherwise); null for plain
 */
public record DecoySpec(String name, String type, int port, String service, String namespace, Map<String, String> labels,
    int replicas, Object emulator, String definition, DecoyTls tls) {

  public DecoySpec(String name, String type, int port, String service, String namespace, Map<String, String> labels, int replicas,
      Object emulator, String definition) {
    this(name, type, port, service, namespace, labels, replicas, emulator, definition, null);
  }

  public DecoySpec(String name, String type, int port, String service, String namespace, Map<String, String> labels, int replicas,
      Object emulator) {
    this(name, type, port, service, namespace, labels, replicas, emulator, null);
  }

  public DecoySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    labels = Map.copyOf(labels);
  }

  /** What a {@link DecoyServer} runs for it. */
  public ServedDecoy served() {
    return new ServedDecoy(new DecoyIdentity(name, type, service, namespace), emulator, port, tls);
  }
}
