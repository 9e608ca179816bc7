package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JenkinsScriptConsoleDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final JenkinsScriptConsoleDecoy decoy = new JenkinsScriptConsoleDecoy(FakeFilesystem.canned());

  @Test
  void theDashboardLooksLikeJenkins() {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/"));
    assertThat(DecoyRequests.body(reply)).contains("<title>Dashboard [Jenkins]</title>");
    assertThat(decoy.serverHeaders()).containsEntry("X-Jenkins", "2.426.3").containsKey("X-Hudson");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/api/json")))).contains("\"_class\":\"hudson.model.Hudson\"");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/whoAmI/api/json")))).contains("\"name\":\"anonymous\"");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/script")))).contains("<textarea name=\"script\">");
    assertThat(client.alerts).isEmpty();
  }

  @Test
  void aScriptTextPayloadAlertsAndGetsACannedIdLine() {
    HttpReply reply = client.send(decoy, DecoyRequests.post("/scriptText", "script=println+%22id%22.execute%28%29.text"));
    assertThat(DecoyRequests.body(reply)).isEqualTo("uid=111(jenkins) gid=118(jenkins) groups=118(jenkins)\n");
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.script_console");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1059");
      assertThat(a.excerpt()).isEqualTo("println \"id\".execute().text");
    });
  }

  @Test
  void anyOtherScriptIsAnsweredWithNothing() {
    HttpReply reply = client.send(decoy, DecoyRequests.post("/scriptText", "script=Jenkins.instance.pluginManager.plugins.each%7Bprintln+it%7D"));
    assertThat(DecoyRequests.body(reply)).isEmpty();
    HttpReply html = client.send(decoy, DecoyRequests.post("/script", "script=println+%27cat+%2Fetc%2Fpasswd%27.execute%28%29.text"));
    assertThat(DecoyRequests.body(html)).contains("<h2>Result</h2>").contains("root:x:0:0:root");
    assertThat(client.actions()).containsExactly("http.script_console", "http.script_console");
  }
}
