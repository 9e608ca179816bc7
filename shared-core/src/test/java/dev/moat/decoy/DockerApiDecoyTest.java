package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DockerApiDecoyTest {

  private final DockerApiDecoy decoy = new DockerApiDecoy();
  private final Requests requests = new Requests();
  private final Interaction interaction = requests.interaction("docker-api");

  @Test
  void pingAnswersOkWithTheHeadersDockerdSends() {
    HttpReply reply = decoy.handle(Requests.get("/_ping"), interaction);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(Requests.body(reply)).isEqualTo("OK");
    assertThat(decoy.serverHeaders()).containsEntry("Api-Version", "1.41").containsEntry("Server", "Docker/20.10.24 (linux)")
        .containsEntry("Ostype", "linux").containsEntry("Docker-Experimental", "false");
  }

  @Test
  void versionedPathsAnswerLikeUnversionedOnes() throws Exception {
    JsonNode version = new ObjectMapper().readTree(decoy.handle(Requests.get("/v1.41/version"), interaction).body());
    assertThat(version.path("Version").asText()).isEqualTo("20.10.24");
    assertThat(version.path("ApiVersion").asText()).isEqualTo("1.41");
    JsonNode containers = new ObjectMapper().readTree(decoy.handle(Requests.get("/v1.41/containers/json"), interaction).body());
    assertThat(containers.get(0).path("Names").get(0).asText()).isEqualTo("/payments-api");
  }

  @Test
  void containerCreateWithAHostRootBindIsCriticalAndNamesImageCommandAndBinds() {
    HttpReply reply = decoy.handle(Requests.request("POST", "/v1.41/containers/create",
        "{\"Image\":\"alpine\",\"Cmd\":[\"chroot\",\"/host\",\"sh\"],\"HostConfig\":{\"Binds\":[\"/:/host\"],\"Privileged\":true}}"),
        interaction);
    assertThat(reply.status()).isEqualTo(201);
    assertThat(Requests.body(reply)).contains(DockerApiDecoy.CREATED_ID);
    assertThat(requests.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("docker.container_create");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1610");
      assertThat(a.fields()).containsEntry("image", "alpine").containsEntry("cmd", "chroot /host sh")
          .containsEntry("binds", "/:/host").containsEntry("privileged", "true");
    });
  }

  @Test
  void aBodyThatIsNotJsonStillAlertsAndAnswers() {
    HttpReply reply = decoy.handle(Requests.request("POST", "/containers/create", "{not json"), interaction);
    assertThat(reply.status()).isEqualTo(201);
    assertThat(requests.alerts).extracting(Alert::action).containsExactly("docker.container_create");
  }

  @Test
  void execCreateAndStartAlertAndStartReturnsCannedMultiplexedOutput() {
    HttpReply created = decoy.handle(Requests.request("POST", "/containers/abc/exec", "{\"Cmd\":[\"cat\",\"/etc/shadow\"]}"), interaction);
    assertThat(created.status()).isEqualTo(201);
    HttpReply started = decoy.handle(Requests.request("POST", "/exec/" + DockerApiDecoy.EXEC_ID + "/start", "{\"Detach\":false}"),
        interaction);
    assertThat(started.body()[0]).isEqualTo((byte) 1);
    assertThat(Requests.body(started)).endsWith(DockerApiDecoy.CANNED_OUTPUT);
    assertThat(requests.alerts).extracting(Alert::action).containsExactly("docker.exec", "docker.exec");
    assertThat(requests.alerts.get(0).fields()).containsEntry("cmd", "cat /etc/shadow");
  }

  @Test
  void imagePullAlertsWithTheImage() {
    decoy.handle(Requests.request("POST", "/images/create?fromImage=evil%2Fminer&tag=v1", ""), interaction);
    assertThat(requests.alerts).singleElement().satisfies(a -> assertThat(a.fields()).containsEntry("image", "evil/miner:v1"));
  }

  @Test
  void unknownPathsAnswerAsDockerdDoes() {
    HttpReply reply = decoy.handle(Requests.get("/nope"), interaction);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(Requests.body(reply)).isEqualTo("{\"message\":\"page not found\"}");
  }
}
