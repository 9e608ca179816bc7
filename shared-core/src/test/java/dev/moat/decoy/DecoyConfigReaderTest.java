package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoyConfigReaderTest {

  final DecoyConfigReader reader = new DecoyConfigReader(DecoyCatalog.builtIn());

  @TempDir Path dir;

  @Test
  void readsDeploymentFieldsAndDefaultsTheServiceToTheName() throws Exception {
    Path file = dir.resolve("decoys.yaml");
    Files.writeString(file, """
        decoys:
          - name: payments-admin
            type: http
            port: 8080
            namespace: prod
            labels: {team: payments}
            replicas: 2
            routes:
              - path: /
                body: hi
          - name: ftp
            type: tcp-banner
            port: 21
            service: legacy-ftp
        """);
    DecoyConfig config = reader.read(file);

    DecoySpec http = config.decoys().get(0);
    assertThat(http.service()).isEqualTo("payments-admin");
    assertThat(http.namespace()).isEqualTo("prod");
    assertThat(http.labels()).containsEntry("team", "payments");
    assertThat(http.replicas()).isEqualTo(2);
    assertThat(http.emulator()).isInstanceOf(RoutedHttpDecoy.class);
    assertThat(config.decoys().get(1).service()).isEqualTo("legacy-ftp");
    assertThat(config.decoys().get(1).emulator()).isInstanceOf(BannerDecoy.class);
  }

  @Test
  void aPortOutOfRangeIsReportedWithItsLineAndField() {
    assertError("""
        decoys:
          - name: a
            type: tcp-banner
            port: 21
          - name: b
            type: tcp-banner
            port: 70000
        """, "decoys.yaml:7: decoys[1].port: 70000 is not a port (1-65535)");
  }

  @Test
  void duplicateNamesAndPortsAreRejected() {
    assertError("""
        decoys:
          - {name: a, type: tcp-banner, port: 21}
          - {name: a, type: tcp-banner, port: 22}
        """, "decoys.yaml:3: decoys[1].name: 'a' names two decoys; names must be unique");
    assertError("""
        decoys:
          - {name: a, type: tcp-banner, port: 21}
          - name: b
            type: tcp-banner
            port: 21
        """, "decoys.yaml:5: decoys[1].port: 21 is already the port of decoy 'a'");
  }

  @Test
  void routeErrorsNameTheRouteField() {
    assertError("""
        decoys:
          - name: web
            type: http
            port: 80
            routes:
              - path: /ok
              - path: /x
                status: 200
                alert: {severity: urgent}
        """, "decoys.yaml:9: decoys[0].routes[1].alert.severity: 'urgent' is not a severity (critical, high, medium, low, info)");
    assertError("""
        decoys:
          - name: web
            type: http
            port: 80
            routes:
              - path: admin
        """, "decoys.yaml:6: decoys[0].routes[0].path: 'admin' must start with / (a glob: * within a segment, ** across)");
  }

  @Test
  void unknownTypesFieldsAndMissingValuesAreNamed() {
    assertError("""
        decoys:
          - name: x
            type: mainframe
            port: 23
        """, "decoys.yaml:3: decoys[0].type: 'mainframe' is neither a catalogue type nor http / tcp-banner (see 'moat decoy catalog')");
    assertError("""
        decoys:
          - name: x
            type: tcp-banner
            prot: 23
        """, "decoys.yaml:4: decoys[0].prot: unknown field");
    assertError("""
        decoys:
          - type: tcp-banner
            port: 23
        """, "decoys.yaml:2: decoys[0].name: missing");
    assertError("""
        decoys:
          - name: x
            type: tcp-banner
            port: 23
            replies:
              - {match: "USER (", reply: "331"}
        """, "decoys.yaml:6: decoys[0].replies[0].match: 'USER (' is not a regular expression");
  }

  @Test
  void anSshDecoyTakesItsOwnCredentialsAndNoOtherTypeDoes() throws Exception {
    DecoySpec ssh = reader.parse("decoys.yaml", """
        decoys:
          - name: bastion
            type: ssh
            credentials: ["deploy:hunter2", "ops:ops"]
        """).decoys().get(0);
    assertThat(ssh.port()).as("the catalogue's port").isEqualTo(22);
    assertThat(ssh.emulator()).isEqualTo(new SshEmulator(List.of("deploy:hunter2", "ops:ops")));
    assertThat(reader.fromArguments(List.of("ssh:0")).decoys().get(0).emulator()).isEqualTo(SshEmulator.withDefaultCredentials());
    assertError("""
        decoys:
          - name: cache
            type: redis
            credentials: ["a:b"]
        """, "decoys.yaml:4: decoys[0].credentials: only ssh decoys take credentials");
    assertError("""
        decoys:
          - name: bastion
            type: ssh
            credentials: ["nocolon"]
        """, "decoys.yaml:4: decoys[0].credentials[0]: each credential is a user:password string");
  }

  @Test
  void brokenYamlNamesItsLine() {
    assertError("decoys:\n  - name: x\n    type: [unclosed\n", "decoys.yaml:");
  }

  @Test
  void commandLineDecoysTakeTheCatalogueDefaultsOrAGivenPort() throws Exception {
    assertThat(reader.fromArguments(List.of("redis")).decoys().get(0).port()).as("the catalogue's port").isEqualTo(6379);
    assertThat(reader.fromArguments(List.of("redis:0")).decoys().get(0).port()).isZero();
    assertThatThrownBy(() -> reader.fromArguments(List.of("nosuch")))
        .isInstanceOf(MoatException.class).hasMessageContaining("no decoy type 'nosuch' in the catalogue");
    assertThatThrownBy(() -> reader.fromArguments(List.of()))
        .isInstanceOf(MoatException.class).hasMessageContaining("no decoys given");
  }

  private void assertError(String yaml, String message) {
    assertThatThrownBy(() -> reader.parse("decoys.yaml", yaml))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).startsWith(message);
        });
  }
}
