package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls} in {@code decoys.yaml}: the kubelet's default, {@code tls: false}, the operator's PEM files (made here by
 * the real openssl) served to the real curl, and the errors naming line and field.
 */
class DecoyTlsConfigTest {

  @TempDir Path dir;
  private final DecoyConfigReader reader = new DecoyConfigReader(DecoyCatalog.builtIn());

  @BeforeEach
  void certificates() throws Exception {
    assumeTrue(KubeletTlsTest.onPath("openssl"), "openssl is not installed");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=billing.example", "-days", "2");
    openssl("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec-key.pem");
    openssl("req", "-x509", "-key", "ec-key.pem", "-out", "ec-cert.pem", "-subj", "/CN=ec.example", "-days", "2");
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
  }

  private DecoyConfig read(String yaml) throws Exception {
    Path file = dir.resolve("decoys.yaml");
    Files.writeString(file, yaml);
    return reader.read(file);
  }

  @Test
  void theKubeletServesTlsByDefaultAndTlsFalseTurnsItOff() throws Exception {
    assertThat(reader.fromArguments(List.of("kubelet")).decoys().get(0).tls()).isEqualTo(DecoyTls.generated("worker-02"));
    assertThat(reader.fromArguments(List.of("docker-api")).decoys().get(0).tls()).as("other decoys stay plain").isNull();
    DecoyConfig config = read("""
        decoys:
          - {name: node-a, type: kubelet}
          - {name: node-b, type: kubelet, port: 10251, tls: false}
          - {name: es, type: elasticsearch, tls: true}
        """);
    assertThat(config.decoys().get(0).tls()).isEqualTo(DecoyTls.generated("worker-02"));
    assertThat(config.decoys().get(0).definition()).as("a default kubelet needs no ConfigMap").isNull();
    assertThat(config.decoys().get(1).tls()).isNull();
    assertThat(config.decoys().get(1).definition()).as("tls: false must reach a deployed pod").contains("\"tls\":false");
    assertThat(config.decoys().get(2).tls()).isEqualTo(DecoyTls.generated("es"));
  }

  @Test
  void anHttpDecoyWithTheOperatorsPemFilesServesThemToCurl() throws Exception {
    assumeTrue(KubeletTlsTest.onPath("curl"), "curl is not installed");
    DecoyConfig config = read("""
        decoys:
          - name: billing-admin
            type: http
            port: 8443
            tls: {cert: cert.pem, key: key.pem}
            routes:
              - {path: /admin, status: 401, body: "Unauthorized\\n", alert: {severity: high, action: http.admin_probe}}
          - name: ec-admin
            type: http
            port: 8444
            tls: {cert: ec-cert.pem, key: ec-key.pem}
            routes:
              - {path: /, body: ok}
        """);
    assertThat(config.decoys().get(0).tls()).isEqualTo(DecoyTls.files(dir.resolve("cert.pem"), dir.resolve("key.pem")));
    RecordingPublisher alerts = new RecordingPublisher();
    List<ServedDecoy> served = config.served().stream().map(s -> new ServedDecoy(s.identity(), s.emulator(), 0, s.tls())).toList();
    try (DecoyServer server = DecoyServer.start(served, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC())) {
      String rsa = curl("-s", "-k", "-v", "https://127.0.0.1:" + server.boundPorts().get("billing-admin") + "/admin");
      assertThat(rsa).contains("subject: CN=billing.example", "Unauthorized");
      assertThat(alerts.await(a -> a.action().equals("http.admin_probe")).severity()).isEqualTo(AlertSeverity.HIGH);
      String ec = curl("-s", "-k", "-v", "https://127.0.0.1:" + server.boundPorts().get("ec-admin") + "/");
      assertThat(ec).contains("subject: CN=ec.example").endsWith("ok");
    }
  }

  private String curl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("curl"));
    command.addAll(List.of(args));
    Path out = dir.resolve("curl-" + System.nanoTime());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void tlsErrorsNameTheLineAndTheField() throws Exception {
    Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all, secret-looking text\n-----END PRIVATE KEY-----\n");
    assertError("""
        decoys:
          - name: cache
            type: redis
            tls: true
        """, "decoys.yaml:4: decoys[0].tls: only HTTP decoys take tls");
    assertError("""
        decoys:
          - name: node
            type: kubelet
            tls:
              cert: missing.pem
              key: key.pem
        """, "decoys.yaml:5: decoys[0].tls.cert: " + dir.resolve("missing.pem") + " is not a readable file");
    assertError("""
        decoys:
          - name: node
            type: kubelet
            tls: {cert: key.pem, key: key.pem}
        """, "decoys.yaml:4: decoys[0].tls.cert: " + dir.resolve("key.pem") + " holds no PEM certificate");
    assertError("""
        decoys:
          - name: node
            type: kubelet
            tls: {cert: cert.pem, key: ec-key.pem}
        """, "decoys.yaml:4: decoys[0].tls.key: " + dir.resolve("ec-key.pem") + " is not the key of the first certificate in " + dir.resolve("cert.pem"));
    MoatException garbage = assertError("""
        decoys:
          - name: node
            type: kubelet
            tls: {cert: cert.pem, key: garbage.pem}
        """, "decoys.yaml:4: decoys[0].tls.key: " + dir.resolve("garbage.pem") + " is not a readable PEM private key");
    assertThat(garbage.getMessage()).doesNotContain("secret-looking");
    assertError("""
        decoys:
          - name: node
            type: kubelet
            tls: {cert: cert.pem, key: key.pem, ca: x.pem}
        """, "decoys.yaml:4: decoys[0].tls.ca: unknown field (known: cert, key)");
    assertError("""
        decoys:
          - name: node
            type: kubelet
            tls: yes please
        """, "decoys.yaml:4: decoys[0].tls: give false, true (a generated certificate) or {cert: FILE, key: FILE} (PEM)");
  }

  private MoatException assertError(String yaml, String message) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> read(yaml));
    assertThat(thrown).isInstanceOf(MoatException.class).hasMessageStartingWith(message);
    assertThat(((MoatException) thrown).failure()).isEqualTo(Failure.INVALID_INPUT);
    return (MoatException) thrown;
  }

  @Test
  void theServerRefusesTlsForAStreamDecoy() {
    assertThatThrownBy(() -> new ServedDecoy(new DecoyIdentity("r", "redis", null, null), new RedisDecoy(), 0, DecoyTls.generated("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
