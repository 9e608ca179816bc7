package dev.moat.decoy;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One decoy as it is deployed to Kubernetes.
 *
 * @param name the decoy's name; also the Deployment's name
 * @param type the catalogue type ({@code redis})
 * @param serviceName the Service the decoy is exposed as: the name attackers find ({@code payments-cache})
 * @param namespace where it goes
 * @param port the port the Service exposes (the real service's port, {@code 6379} for Redis)
 * @param labels extra labels on every object and on the pods
 * @param replicas how many pods
 * @param image the Moat container image that runs {@code moat decoy serve}
 * @param alertEgress {@code host:port} the decoy may reach to deliver alerts (a webhook); null when alerts go to stdout only
 * @param kubernetesEvents whether alerts also become Kubernetes Events (the pod then gets a token and a Role that may only create events)
 * @param definition the decoy's {@code decoys.yaml} entry (JSON) when it is a custom one; the pod then reads it from
 *     a ConfigMap instead of naming a catalogue type; null for catalogue decoys
 * @param secretFiles the operator's TLS and SSH host key files the decoy names, for a Secret mounted into the pod;
 *     null when it names none
 */
public record DecoyDeployment(
    String name,
    String type,
    String serviceName,
    String namespace,
    int port,
    Map<String, String> labels,
    int replicas,
    String image,
    String alertEgress,
    boolean kubernetesEvents,
    String definition,
    DecoySecretFiles secretFiles) {

  public DecoyDeployment(String name, String type, String serviceName, String namespace, int port, Map<String, String> labels, int replicas,
      String image, String alertEgress, boolean kubernetesEvents, String definition) {
    this(name, type, serviceName, namespace, port, labels, replicas, image, alertEgress, kubernetesEvents, definition, null);
  }

  public DecoyDeployment(String name, String type, String serviceName, String namespace, int port, Map<String, String> labels, int replicas,
      String image, String alertEgress, boolean kubernetesEvents) {
    this(name, type, serviceName, namespace, port, labels, replicas, image, alertEgress, kubernetesEvents, null);
  }

  /** Label every Moat decoy object carries: what {@code moat decoy list} and {@code remove} select on. */
  public static final String PART_OF = "app.kubernetes.io/part-of";
  /** Label carrying the decoy type. */
  public static final String DECOY_LABEL = "moat.dev/decoy";
  /** Label carrying the decoy name, tying the Deployment, Service and policies of one decoy together. */
  public static final String NAME_LABEL = "moat.dev/decoy-name";

  public DecoyDeployment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(image, "image");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    if (secretFiles != null && definition == null) {
      throw new IllegalArgumentException("decoy " + name + ": secret files need the decoy's own definition, which names them");
    }
  }
}
