package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet decoy over TLS on the Netty runtime, against real curl, openssl and nmap (Debian packages, as .ci/run
 * installs them): the certificate it makes for itself, the canned pods behind it, plain HTTP sent to the TLS port,
 * and handshakes that never finish.
 */
class KubeletTlsTest {

  @TempDir Path dir;
  private final RecordingPublisher alerts = new RecordingPublisher();
  private DecoyServer server;

  private int start(DecoyLimits limits) throws Exception {
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).fromArguments(List.of("kubelet:0"));
    server = DecoyServer.start(config.served(), "127.0.0.1", limits, alerts, Clock.systemUTC());
    return server.boundPorts().get("kubelet");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void curlOverHttpsGetsTheCannedPodsAndTheAlertAndSeesAKubeletStyleCertificate() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");
    int port = start(DecoyLimits.defaults());
    String pods = run("curl", "-s", "-k", "https://127.0.0.1:" + port + "/pods");
    assertThat(pods).contains("\"kind\":\"PodList\"", "\"nodeName\":\"worker-02\"");
    Alert alert = alerts.await(a -> a.action().equals("kubelet.discovery"));
    assertThat(alert.severity()).isEqualTo(AlertSeverity.MEDIUM);
    assertThat(alert.protocol()).isEqualTo("http");

    // curl's own account of the handshake: TLS, HTTP/1.1 by ALPN, kubelet's self-signed naming
    String verbose = run("curl", "-s", "-k", "-v", "-o", "/dev/null", "https://127.0.0.1:" + port + "/healthz");
    assertThat(verbose).containsPattern("SSL connection using TLSv1\\.[23]")
        .contains("ALPN: server accepted http/1.1")
        .containsPattern("subject: CN=worker-02@\\d{10}")
        .containsPattern("issuer: CN=worker-02-ca@\\d{10}");
    // and without -k, curl refuses it as a self-signed chain, as it does a real kubelet's
    assertThat(runStatus("curl", "-s", "https://127.0.0.1:" + port + "/pods")).isEqualTo(60);
  }

  @Test
  void theGeneratedCertificateIsKeptInTheStateDirectoryAsKubeletKeepsItsOwn() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed");
    DecoyConfig config = new DecoyConfigReader(DecoyCatalog.builtIn()).fromArguments(List.of("kubelet:0"));
    Path spool = dir.resolve("spool");
    String[] fingerprints = new String[3];
    for (int i = 0; i < 3; i++) {
      try (DecoyServer s = DecoyServer.start(config.served(i < 2 ? spool : dir.resolve("other")), "127.0.0.1", DecoyLimits.defaults(), alerts,
          Clock.systemUTC())) {
        fingerprints[i] = fingerprint(s.boundPorts().get("kubelet"));
      }
    }
    assertThat(fingerprints[1]).as("restarted on the same state directory").isEqualTo(fingerprints[0]);
    assertThat(fingerprints[2]).as("another state directory").isNotEqualTo(fingerprints[0]);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.resolve("tls-kubelet.key"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(spool.resolve("tls-kubelet.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
  }

  /** The served leaf's SHA-256 fingerprint, as openssl reads it off the wire. */
  private String fingerprint(int port) throws Exception {
    String chain = run("openssl", "s_client", "-connect", "127.0.0.1:" + port);
    Path leaf = dir.resolve("leaf-" + System.nanoTime() + ".pem");
    int begin = chain.indexOf("-----BEGIN CERTIFICATE-----");
    Files.writeString(leaf, chain.substring(begin, chain.indexOf("-----END CERTIFICATE-----", begin) + 25) + "\n");
    String fp = run("openssl", "x509", "-in", leaf.toString(), "-noout", "-fingerprint", "-sha256");
    assertThat(fp).startsWith("sha256 Fingerprint=");
    return fp.strip();
  }

  @Test
  void opensslSeesTheLeafThenItsCaAsKubeletServesThem() throws Exception {
    assumeTrue(onPath("openssl"), "openssl is not installed");
    int port = start(DecoyLimits.defaults());
    String chain = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-showcerts");
    assertThat(chain).containsPattern("0 s:CN ?= ?worker-02@\\d{10}\\s+i:CN ?= ?worker-02-ca@\\d{10}")
        .containsPattern("1 s:CN ?= ?worker-02-ca@\\d{10}\\s+i:CN ?= ?worker-02-ca@\\d{10}");
    Path leaf = dir.resolve("leaf.pem");
    int begin = chain.indexOf("-----BEGIN CERTIFICATE-----");
    Files.writeString(leaf, chain.substring(begin, chain.indexOf("-----END CERTIFICATE-----", begin) + 25) + "\n");
    String text = run("openssl", "x509", "-in", leaf.toString(), "-noout", "-text");
    assertThat(text).contains("Serial Number: 2", "TLS Web Server Authentication", "DNS:worker-02", "Public-Key: (2048 bit)");
  }

  @Test
  void plainHttpToTheTlsPortGetsGosAnswerAnAlertAndTheDecoyKeepsServingTls() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");
    int port = start(DecoyLimits.defaults());
    String plain = run("curl", "-s", "-i", "http://127.0.0.1:" + port + "/pods");
    assertThat(plain).isEqualTo("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
    Alert alert = alerts.await(a -> a.action().equals("http.malformed"));
    assertThat(alert.fields()).containsEntry("reason", "plain HTTP to the TLS port");
    assertThat(alert.excerpt()).contains("GET /pods HTTP/1.1");
    assertThat(run("curl", "-s", "-k", "https://127.0.0.1:" + port + "/healthz")).isEqualTo("ok");
  }

  @Test
  void aClientThatNeverFinishesTheHandshakeIsCutByTheIdleTimeout() throws Exception {
    int port = start(DecoyLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      // the first bytes of a TLS record carrying a ClientHello, and then nothing
      s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).as("closed by the decoy").isEqualTo(-1);
    }
    // the count drops when the decoy's side of the close completes, just after the client sees it
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.openConnections() != 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(server.openConnections()).isZero();
  }

  @Test
  void handshakeBytesCountAgainstTheReadBudget() throws Exception {
    DecoyLimits d = DecoyLimits.defaults();
    int port = start(new DecoyLimits(d.maxConnections(), Duration.ofSeconds(60), Duration.ofSeconds(60), 1024, d.maxInitialLine(),
        d.maxHeaderSize(), d.maxBody()));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      // a handshake record that announces 16 KiB: the TLS layer waits for all of it, the budget of 1 KiB does not
      out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
      InputStream in = s.getInputStream();
      try {
        for (int i = 0; i < 8; i++) {
          out.write(new byte[512]);
          out.flush();
        }
      } catch (IOException closedWhileWriting) {
        // the decoy closed the connection under us: what this test expects
      }
      assertThat(readUntilClosed(in)).as("closed by the decoy long before the 60 s idle and request timeouts").isTrue();
    }
  }

  @Test
  void nmapServiceDetectionSeesHttpOverSsl() throws Exception {
    assumeTrue(onPath("nmap"), "nmap is not installed (.ci/run installs it)");
    int port = start(DecoyLimits.defaults());
    Path xml = dir.resolve("nmap.xml");
    run("nmap", "-sV", "-Pn", "-n", "-oX", xml.toString(), "-p", Integer.toString(port), "127.0.0.1");
    String report = Files.readString(xml);
    assertThat(report).contains("name=\"http\"", "tunnel=\"ssl\"");
    assertThat(report).contains("product=\"Golang net/http server\"");
  }

  private static boolean readUntilClosed(InputStream in) {
    try {
      while (in.read() >= 0) {
        // a TLS alert may come first
      }
      return true;
    } catch (IOException reset) {
      return true; // reset by the decoy's close
    }
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private String run(String... command) throws IOException, InterruptedException {
    Path out = dir.resolve("out-" + System.nanoTime());
    Process p = process(out, command);
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s exit status; it said: %s", List.of(command), text).isZero();
    return text;
  }

  private int runStatus(String... command) throws IOException, InterruptedException {
    return process(dir.resolve("out-" + System.nanoTime()), command).exitValue();
  }

  private static Process process(Path out, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
    return p;
  }
}
