package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ElasticsearchDecoyTest {

  private final ElasticsearchDecoy decoy = new ElasticsearchDecoy();
  private final Requests requests = new Requests();
  private final Interaction interaction = requests.interaction("elasticsearch");

  @Test
  void bannerNames717AndTheTagline() throws Exception {
    JsonNode banner = new ObjectMapper().readTree(decoy.handle(Requests.get("/"), interaction).body());
    assertThat(banner.path("version").path("number").asText()).startsWith("7.17.");
    assertThat(banner.path("tagline").asText()).isEqualTo("You Know, for Search");
    assertThat(banner.path("cluster_name").asText()).isNotEmpty();
  }

  @Test
  void catIndicesListsTemptingIndicesWithAHeaderWhenVerbose() {
    String text = Requests.body(decoy.handle(Requests.get("/_cat/indices?v"), interaction));
    assertThat(text.lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith("health status index"));
    assertThat(text).contains("customers", "payments");
  }

  @Test
  void searchingPaymentsIsHighAndAnswersCannedHits() throws Exception {
    HttpReply reply = decoy.handle(Requests.request("POST", "/payments/_search", "{\"query\":{\"match_all\":{}}}"), interaction);
    JsonNode hits = new ObjectMapper().readTree(reply.body()).path("hits").path("hits");
    assertThat(hits.size()).isPositive();
    assertThat(requests.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("es.search");
      assertThat(a.severity()).isEqualTo(AlertSeverity.HIGH);
      assertThat(a.fields()).containsEntry("index", "payments");
    });
  }

  @Test
  void aScriptInTheQueryIsHighAndNeverRun() {
    HttpReply reply = decoy.handle(Requests.request("POST", "/_search",
        "{\"query\":{\"script\":{\"script\":{\"source\":\"java.lang.Runtime.getRuntime().exec('id')\"}}}}"), interaction);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(requests.alerts).extracting(Alert::action).containsExactly("es.script");
  }
}
