package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns each alert into a core/v1 {@code Event} of type {@code Warning} on the decoy's own pod, so
 * {@code kubectl describe pod} and {@code kubectl get events} show the attack and event exporters pick it up. The
 * Event's name is the pod's name and the alert's stable id: a delivery retried after the API server already took it
 * answers 409 and counts as accepted, so a retry never makes a second Event. The pod's Role (rendered by
 * {@code moat decoy deploy --kubernetes-events}) may only create Events.
 */
public final class KubernetesEventSink implements AlertSink {

  static final int MAX_MESSAGE = 1024;

  private final String name;
  private final KubernetesClient client;
  private final String namespace;
  private final String podName;

  /**
   * @param client a client with the pod's ServiceAccount (in a cluster) — closed with the sink
   * @param namespace the pod's namespace (the downward API's {@code metadata.namespace})
   * @param podName the pod's name (the downward API's {@code metadata.name})
   */
  public KubernetesEventSink(String name, KubernetesClient client, String namespace, String podName) {
    this.name = Objects.requireNonNull(name, "name");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.podName = Objects.requireNonNull(podName, "podName");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(SpooledAlert spooled) throws IOException {
    Event event = event(spooled, namespace, podName);
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return; // delivered before: this is a retry
      }
      throw new IOException("Kubernetes Event for alert " + spooled.id() + " refused: HTTP " + e.getCode() + " " + e.getMessage(), e);
    }
  }

  /** The Event for one alert on pod {@code podName}. */
  static Event event(SpooledAlert spooled, String namespace, String podName) {
    Alert a = spooled.alert();
    String time = DateTimeFormatter.ISO_INSTANT.format(a.time().truncatedTo(ChronoUnit.SECONDS));
    String message = "[" + a.severity().jsonName() + "] " + FalcoJsonSink.summary(a)
        + (a.mitreTechnique() == null ? "" : " (MITRE ATT&CK " + a.mitreTechnique() + ")") + "; alert id " + spooled.id();
    return new EventBuilder()
        .withNewMetadata().withName(eventName(podName, spooled.id())).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", "moat").addToLabels("moat.dev/decoy-name", a.decoyName()).endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName(podName).withNamespace(namespace).endInvolvedObject()
        .withType("Warning")
        .withReason(reason(a.action()))
        .withAction(a.action())
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message)
        .withCount(Math.max(1, a.count()))
        .withFirstTimestamp(time).withLastTimestamp(time)
        .withNewSource().withComponent("moat-decoy").endSource()
        .withReportingComponent("moat.dev/decoy").withReportingInstance(podName)
        .build();
  }

  /** {@code redis.config_set} → {@code DecoyRedisConfigSet}: Kubernetes' UpperCamelCase reason, at most 128 characters. */
  static String reason(String action) {
    StringBuilder out = new StringBuilder("Decoy");
    boolean upper = true;
    for (char c : action.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    return out.length() > 128 ? out.substring(0, 128) : out.toString();
  }

  /** {@code <pod>.<alert id>}, a valid DNS subdomain (lower case, at most 253 characters). */
  static String eventName(String podName, String id) {
    String safeId = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[-.]+|[-.]+$", "");
    String name = podName + "." + safeId;
    return name.length() > 253 ? name.substring(0, 253).replaceAll("[-.]+$", "") : name;
  }

  @Override
  public void close() {
    client.close();
  }
}
