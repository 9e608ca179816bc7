package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class KubeletDecoyTest {

  private final KubeletDecoy decoy = new KubeletDecoy();
  private final Requests requests = new Requests();
  private final Interaction interaction = requests.interaction("kubelet");

  @Test
  void podsIsAPodList() throws Exception {
    HttpReply reply = decoy.handle(Requests.get("/pods"), interaction);
    assertThat(new ObjectMapper().readTree(reply.body()).path("kind").asText()).isEqualTo("PodList");
    assertThat(requests.alerts).extracting(Alert::action).containsExactly("kubelet.discovery");
  }

  @Test
  void runAnswersCannedOutputAndIsCritical() {
    HttpReply reply = decoy.handle(Requests.request("POST", "/run/payments/payments-api-7d9c5b6f4-x2kqp/api", "cmd=id"), interaction);
    assertThat(Requests.body(reply)).isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");
    assertThat(requests.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("kubelet.run");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1609");
      assertThat(a.fields()).containsEntry("cmd", "id").containsEntry("pod", "payments-api-7d9c5b6f4-x2kqp");
    });
  }

  @Test
  void execWithoutUpgradeIsRefusedAsKubeletDoesAndAlerts() {
    HttpReply reply = decoy.handle(Requests.request("POST", "/exec/payments/p/api?command=sh&input=1&output=1", ""), interaction);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(Requests.body(reply)).isEqualTo("Upgrade request required");
    assertThat(requests.alerts).extracting(Alert::action).containsExactly("kubelet.exec");
  }

  @Test
  void healthzIsOk() {
    assertThat(Requests.body(decoy.handle(Requests.get("/healthz"), interaction))).isEqualTo("ok");
  }
}
