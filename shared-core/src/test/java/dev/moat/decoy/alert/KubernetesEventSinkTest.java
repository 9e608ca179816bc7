package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.SharedSchemas;
import dev.moat.decoy.Alert;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Alerts as Kubernetes Events, against fabric8's mock API server in CRUD mode — a fake: no Kubernetes API server
 * can run on this machine. The Event itself is validated against Kubernetes' strict core/v1 Event schema.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesEventSinkTest {

  KubernetesClient client;

  private static SpooledAlert alert(String id) {
    return new SpooledAlert(id, Alerts.redisConfigSet("10.1.2.3", "CONFIG SET dir /var/spool/cron", Instant.parse("2026-12-06T21:00:00.123Z")));
  }

  @Test
  void anAlertBecomesAWarningEventOnTheDecoysPodAndARetryMakesNoSecond() throws Exception {
    KubernetesEventSink sink = new KubernetesEventSink("kubernetes-events", client, "prod", "payments-cache-7d9f-x2k");
    sink.deliver(alert("00000042-a1b2"));
    sink.deliver(alert("00000042-a1b2")); // a retry after the API server already took it: 409, accepted
    List<Event> events = client.v1().events().inNamespace("prod").list().getItems();
    assertThat(events).hasSize(1);
    Event e = events.get(0);
    assertThat(e.getType()).isEqualTo("Warning");
    assertThat(e.getReason()).isEqualTo("DecoyRedisConfigSet");
    assertThat(e.getAction()).isEqualTo("redis.config_set");
    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
    assertThat(e.getInvolvedObject().getName()).isEqualTo("payments-cache-7d9f-x2k");
    assertThat(e.getMessage()).contains("high", "10.1.2.3", "T1190", "00000042-a1b2");
    assertThat(e.getMetadata().getName()).isEqualTo("payments-cache-7d9f-x2k.00000042-a1b2");
    assertThat(e.getMetadata().getLabels()).containsEntry("moat.dev/decoy-name", "payments-cache");
  }

  @Test
  void theEventIsValidAgainstTheKubernetesSchema() throws Exception {
    Event e = KubernetesEventSink.event(alert("00000007-ffee"), "prod", "payments-cache-7d9f-x2k");
    assertThat(SharedSchemas.kubernetes("event-v1.json").validate(new ObjectMapper().readTree(Serialization.asJson(e)))).isEmpty();
  }

  @Test
  void reasonsAndNamesFollowKubernetesRules() {
    assertThat(KubernetesEventSink.reason("http.path_traversal")).isEqualTo("DecoyHttpPathTraversal");
    assertThat(KubernetesEventSink.eventName("pod-1", "AB_c/9")).isEqualTo("pod-1.ab-c-9");
    Alert long_ = Alerts.redisConfigSet("10.0.0.1", "x".repeat(Alert.MAX_EXCERPT), Instant.now());
    assertThat(KubernetesEventSink.event(new SpooledAlert("1", long_), "ns", "p").getMessage().length())
        .isLessThanOrEqualTo(KubernetesEventSink.MAX_MESSAGE);
  }

  @Test
  void anUnreachableApiServerIsAnIoErrorSoThePipelineRetries() {
    KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:1").withRequestTimeout(2000).withConnectionTimeout(2000).withRequestRetryBackoffLimit(0).build()).build();
    try (KubernetesEventSink sink = new KubernetesEventSink("kubernetes-events", nowhere, "prod", "pod-1")) {
      assertThatThrownBy(() -> sink.deliver(alert("1"))).isInstanceOf(IOException.class);
    }
  }
}
