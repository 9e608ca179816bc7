package dev.moat.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.moat.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker registry token service for tests, so the real docker-registry can run in token mode and Moat's
 * bearer flow is tested against it: on {@code GET /token?service=…&scope=…} it checks basic credentials
 * (or grants anonymous pull when allowed) and answers a JWT signed ES256 with a key whose certificate is in
 * the registry's {@code rootcertbundle} (sent as {@code x5c}). Listens on 127.0.0.1 only.
 */
public final class TokenServer implements AutoCloseable {

  public static final String SERVICE = "moat-test-registry";
  public static final String ISSUER = "moat-test-token-issuer";

  private final HttpServer server;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private final Path certificateFile;
  private final String username;
  private final String password;
  private final boolean anonymousPull;
  private final AtomicInteger issued = new AtomicInteger();

  public TokenServer(Path dir, String username, String password, boolean anonymousPull) throws Exception {
    this.username = username;
    this.password = password;
    this.anonymousPull = anonymousPull;
    MoatProcess.Result r = MoatProcess.exec(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", "/CN=moat token issuer", "-keyout", "token.key", "-out", "token.crt"), Map.of(), dir, 60);
    if (r.exitCode() != 0) {
      throw new IOException("openssl failed: " + r.all());
    }
    String pem = Files.readString(dir.resolve("token.key")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    certificateFile = dir.resolve("token.crt");
    try (InputStream in = Files.newInputStream(certificateFile)) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.start();
  }

  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  public Path certificateFile() {
    return certificateFile;
  }

  /** How many tokens were issued: the bearer flow was really used. */
  public int tokensIssued() {
    return issued.get();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      String user = null;
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth != null && auth.startsWith("Basic ")) {
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
        if (!decoded.equals(username + ":" + password)) {
          send(exchange, 401, "{\"details\":\"bad credentials\"}");
          return;
        }
        user = username;
      }
      List<String> scopes = new ArrayList<>();
      String query = exchange.getRequestURI().getRawQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith("scope=")) {
            scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
          }
        }
      }
      ObjectNode header = Json.MAPPER.createObjectNode();
      header.put("typ", "JWT");
      header.put("alg", "ES256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
      ObjectNode claims = Json.MAPPER.createObjectNode();
      long now = Instant.now().getEpochSecond();
      claims.put("iss", ISSUER);
      claims.put("sub", user == null ? "" : user);
      claims.put("aud", SERVICE);
      claims.put("iat", now);
      claims.put("nbf", now - 30);
      claims.put("exp", now + 300);
      claims.put("jti", UUID.randomUUID().toString());
      var access = claims.putArray("access");
      for (String scope : scopes) {
        String[] parts = scope.split(":");
        if (parts.length != 3 || !parts[0].equals("repository")) {
          continue;
        }
        ObjectNode grant = access.addObject();
        grant.put("type", "repository");
        grant.put("name", parts[1]);
        var actions = grant.putArray("actions");
        for (String action : parts[2].split(",")) {
          if (user != null || (anonymousPull && action.equals("pull"))) {
            actions.add(action);
          }
        }
      }
      String signingInput = b64(Json.bytes(header)) + "." + b64(Json.bytes(claims));
      Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
      es256.initSign(key);
      es256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String jwt = signingInput + "." + b64(es256.sign());
      issued.incrementAndGet();
      send(exchange, 200, "{\"token\":\"" + jwt + "\",\"expires_in\":300}");
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
