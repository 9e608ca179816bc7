package dev.moat.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8) started on 127.0.0.1 on
 * a free port, plain or with TLS (a CA and a server certificate made with openssl) and optionally htpasswd
 * authentication. {@link #close()} stops it and deletes its storage.
 */
public final class LocalRegistry implements AutoCloseable {

  public static final String BINARY = "/usr/bin/docker-registry";

  private final Path dir;
  private final int port;
  private final Process process;
  private final Path caCertificate;
  private final String username;
  private final String password;

  private LocalRegistry(Path dir, int port, Process process, Path caCertificate, String username, String password) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.caCertificate = caCertificate;
    this.username = username;
    this.password = password;
  }

  public static boolean available() {
    return Files.isExecutable(Path.of(BINARY));
  }

  public static LocalRegistry plain() throws IOException, InterruptedException {
    return start(false, null, null);
  }

  public static LocalRegistry tls() throws IOException, InterruptedException {
    return start(true, null, null);
  }

  public static LocalRegistry tlsWithAuth(String username, String password) throws IOException, InterruptedException {
    return start(true, username, password);
  }

  public static LocalRegistry plainWithAuth(String username, String password) throws IOException, InterruptedException {
    return start(false, username, password);
  }

  /** A plain-HTTP registry in token mode: clients get bearer tokens from {@code tokens}. */
  public static LocalRegistry plainWithTokenAuth(TokenServer tokens) throws IOException, InterruptedException {
    return start(false, null, null, tokens);
  }

  private static LocalRegistry start(boolean tls, String username, String password) throws IOException, InterruptedException {
    return start(tls, username, password, null);
  }

  private static LocalRegistry start(boolean tls, String username, String password, TokenServer tokens) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("moat-registry-");
    int port = freePort();
    StringBuilder config = new StringBuilder();
    config.append("version: 0.1\n");
    config.append("log:\n  level: error\n  accesslog:\n    disabled: true\n");
    config.append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append("\n  delete:\n    enabled: true\n");
    config.append("http:\n  addr: 127.0.0.1:").append(port).append("\n  secret: moat-test-secret\n");
    Path ca = null;
    if (tls) {
      ca = Certificates.makeServerCertificate(dir, "127.0.0.1");
      config.append("  tls:\n    certificate: ").append(dir.resolve("server.crt")).append("\n    key: ").append(dir.resolve("server.key")).append('\n');
    }
    if (username != null) {
      Path htpasswd = dir.resolve("htpasswd");
      Process p = new ProcessBuilder("htpasswd", "-Bbn", username, password).redirectErrorStream(false).start();
      byte[] line = p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        throw new IOException("htpasswd failed");
      }
      Files.write(htpasswd, line);
      config.append("auth:\n  htpasswd:\n    realm: moat-test\n    path: ").append(htpasswd).append('\n');
    }
    if (tokens != null) {
      config.append("auth:\n  token:\n    realm: ").append(tokens.realm()).append("\n    service: ").append(TokenServer.SERVICE)
          .append("\n    issuer: ").append(TokenServer.ISSUER).append("\n    rootcertbundle: ").append(tokens.certificateFile()).append('\n');
    }
    Path configFile = dir.resolve("config.yml");
    Files.writeString(configFile, config, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(BINARY, "serve", configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("registry.log").toFile())
        .start();
    LocalRegistry registry = new LocalRegistry(dir, port, process, ca, username, password);
    registry.awaitReady(tls);
    return registry;
  }

  private void awaitReady(boolean tls) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/v2/").toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
          https.setSSLSocketFactory(Certificates.trusting(caCertificate).getSocketFactory());
        }
        c.setConnectTimeout(500);
        c.getResponseCode();
        c.disconnect();
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("docker-registry did not start on 127.0.0.1:" + port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The CA file that signed the server certificate, or null for a plain registry. */
  public Path caCertificate() {
    return caCertificate;
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  /** The environment variables that give Moat this registry's credentials. */
  public List<String> credentialEnvironment() {
    List<String> env = new ArrayList<>();
    if (username != null) {
      String prefix = dev.moat.image.EnvironmentCredentials.variablePrefix(host());
      env.add(prefix + "USERNAME=" + username);
      env.add(prefix + "PASSWORD=" + password);
    }
    return env;
  }

  public Path storage() {
    return dir.resolve("data");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    TempFiles.deleteTree(dir);
  }
}
