package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Struts2OgnlDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final Struts2OgnlDecoy decoy = new Struts2OgnlDecoy();

  @Test
  void ognlInTheContentTypeAlerts() {
    client.send(decoy, DecoyRequests.get("/struts2-showcase/fileupload/upload.action", "Content-Type",
        "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#cmd='id')}"));
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.struts_ognl");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1190");
      assertThat(a.fields()).containsEntry("location", "content-type");
    });
  }

  @Test
  void ognlInParametersAndRedirectPrefixesAlert() {
    client.send(decoy, DecoyRequests.get("/index.action?redirect:%24%7B%23context%5B%27xwork.MethodAccessor.denyMethodExecution%27%5D%3Dfalse%7D"));
    client.send(decoy, DecoyRequests.get("/login.action?name=%25%7B%40java.lang.Runtime%40getRuntime%28%29.exec%28%27id%27%29%7D"));
    client.send(decoy, DecoyRequests.post("/save.action", "action:index=1"));
    assertThat(client.actions()).containsExactly("http.struts_ognl", "http.struts_ognl", "http.struts_ognl");
  }

  @Test
  void anOrdinaryFormPostDoesNotAlert() {
    HttpReply reply = client.send(decoy, DecoyRequests.post("/struts2-showcase/integration/saveGangster.action",
        "name=Al+Capone&age=33&description=50%25+off+(%231+deal)+%24+5", "Content-Type", "application/x-www-form-urlencoded"));
    assertThat(DecoyRequests.body(reply)).contains("Struts2 Showcase");
    assertThat(client.alerts).isEmpty();
  }
}
