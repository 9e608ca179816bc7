package dev.moat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoy commands' answers to bad input and the catalogue table; serving itself is covered end to end. */
class DecoyCommandTest {

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int moat(String... args) {
    return MoatCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void aConfigErrorIsOneLineWithFileLineAndFieldAndExitCode2() throws Exception {
    Path config = dir.resolve("decoys.yaml");
    Files.writeString(config, "decoys:\n  - name: a\n    type: tcp-banner\n    port: 21\n  - name: b\n    type: tcp-banner\n    port: 70000\n");

    int code = moat("decoy", "serve", "--config", config.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("moat: decoys.yaml:7: decoys[1].port: 70000 is not a port (1-65535)")
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void anUnknownDecoyTypeOrNoDecoyAtAllIsExitCode2() {
    assertThat(moat("decoy", "serve", "--decoy", "mainframe")).isEqualTo(2);
    assertThat(err.toString()).contains("no decoy type 'mainframe' in the catalogue");
    assertThat(moat("decoy", "serve")).isEqualTo(2);
    assertThat(moat("decoy", "serve", "--decoy", "x", "--config", "decoys.yaml")).isEqualTo(2);
  }

  @Test
  void kubernetesEventsOutsideAPodIsExitCode2NamingTheMissingVariables() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("POD_NAME") == null, "POD_NAME is set in this environment");
    assertThat(moat("decoy", "serve", "--decoy", "redis:0", "--kubernetes-events")).isEqualTo(2);
    assertThat(err.toString()).contains("--kubernetes-events needs the environment variables POD_NAME and POD_NAMESPACE").doesNotContain("\tat ");
  }

  @Test
  void theCatalogListsTypeCategoryPortAndAlerts() {
    assertThat(moat("decoy", "catalog")).isZero();
    assertThat(out.toString()).contains("TYPE").contains("ALERTS ON").contains("http ").contains("tcp-banner")
        .contains("every connection: tcp.connect (info)").contains("ssh ").contains("weak password").contains("ssh.login_success");
    // the columns line up: every row's port column (right-aligned under PORT) ends where the header's does
    String[] lines = out.toString().split("\n");
    int portEnd = lines[0].indexOf("PORT") + "PORT".length();
    for (String line : lines) {
      assertThat(line.substring(portEnd - 5, portEnd)).as(line).matches(" *(PORT|\\d+|-)?");
      assertThat(line.substring(portEnd, portEnd + 2)).as(line).isEqualTo("  ");
    }
  }
}
