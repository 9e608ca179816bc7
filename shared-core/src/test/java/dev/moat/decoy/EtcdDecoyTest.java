package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EtcdDecoyTest {

  private final EtcdDecoy decoy = new EtcdDecoy();
  private final Requests requests = new Requests();
  private final Interaction interaction = requests.interaction("etcd");

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void versionNamesEtcd35() {
    assertThat(Requests.body(decoy.handle(Requests.get("/version"), interaction))).contains("\"etcdserver\":\"3.5.9\"");
  }

  @Test
  void aPrefixRangeOverSecretsReturnsCannedKeysAndIsHigh() throws Exception {
    HttpReply reply = decoy.handle(Requests.request("POST", "/v3/kv/range",
        "{\"key\":\"" + b64("/registry/secrets/") + "\",\"range_end\":\"" + b64("/registry/secrets0") + "\"}"), interaction);
    JsonNode answer = new ObjectMapper().readTree(reply.body());
    assertThat(answer.path("count").asText()).isEqualTo("3");
    String firstKey = new String(Base64.getDecoder().decode(answer.path("kvs").get(0).path("key").asText()), StandardCharsets.UTF_8);
    assertThat(firstKey).startsWith("/registry/secrets/");
    assertThat(requests.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("etcd.read_secrets");
      assertThat(a.severity()).isEqualTo(AlertSeverity.HIGH);
      assertThat(a.mitreTechnique()).isEqualTo("T1552");
    });
  }

  @Test
  void putAlertsWithTheDecodedKeyAndStoresNothing() throws Exception {
    decoy.handle(Requests.request("POST", "/v3/kv/put", "{\"key\":\"" + b64("/registry/x") + "\",\"value\":\"" + b64("y") + "\"}"),
        interaction);
    assertThat(requests.alerts).singleElement().satisfies(a -> assertThat(a.fields()).containsEntry("key", "/registry/x"));
    HttpReply reply = decoy.handle(Requests.request("POST", "/v3/kv/range", "{\"key\":\"" + b64("/registry/x") + "\"}"), interaction);
    assertThat(new ObjectMapper().readTree(reply.body()).path("count").asText()).isEqualTo("0");
  }
}
