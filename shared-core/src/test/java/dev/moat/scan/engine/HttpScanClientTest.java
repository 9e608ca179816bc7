package dev.moat.scan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scanner's client against a real socket server that misbehaves: every hostile answer ends bounded and clean. */
class HttpScanClientTest {

  private HostileServer server;
  private HttpScanClient client;

  @BeforeEach
  void start() throws Exception {
    server = new HostileServer();
    client = new HttpScanClient(ScanScope.of(List.of(server.uri("/")), null),
        ClientSettings.defaults().withTimeout(Duration.ofSeconds(2)).withMaxResponseBytes(64 * 1024));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  @Test
  void anEndlessBodyIsCutAtTheByteCap() throws Exception {
    ScanResponse response = client.send(ScanRequest.get(server.uri("/endless")));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).hasSize(64 * 1024);
    assertThat(response.truncated()).isTrue();
  }

  @Test
  void aDrippingBodyIsCutAtTheDeadlineWithWhatCame() throws Exception {
    ScanResponse response = client.send(ScanRequest.get(server.uri("/drip")));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.truncated()).isTrue();
    assertThat(response.body().length).isBetween(1, 10);
  }

  @Test
  void aTargetThatNeverAnswersTimesOut() {
    assertThatThrownBy(() -> client.send(ScanRequest.get(server.uri("/silent")))).isInstanceOf(HttpTimeoutException.class);
    assertThat(client.requestsFailed()).isEqualTo(1);
  }

  @Test
  void aRedirectLoopEndsAfterTenHops() throws Exception {
    ScanResponse response = client.sendFollowingRedirects(ScanRequest.get(server.uri("/loop")));
    assertThat(response.status()).isEqualTo(302);
    assertThat(server.requests).hasSize(11);
  }

  @Test
  void aRedirectOutOfScopeIsNeverFollowed() throws Exception {
    ScanResponse response = client.sendFollowingRedirects(ScanRequest.get(server.uri("/away")));
    assertThat(response.status()).isEqualTo(302);
    assertThat(response.header("location")).isEqualTo("http://elsewhere.invalid/stolen");
    assertThat(client.requestsSent()).isEqualTo(1);
  }

  @Test
  void aRequestOutOfScopeIsNotSent() {
    assertThatThrownBy(() -> client.send(ScanRequest.get(URI.create("http://127.0.0.2:1/x")))).isInstanceOf(OutOfScopeException.class);
    assertThatThrownBy(() -> client.send(ScanRequest.get(URI.create("file:///etc/passwd")))).isInstanceOf(OutOfScopeException.class);
    assertThat(client.requestsSent()).isZero();
    assertThat(server.requests).isEmpty();
  }

  @Test
  void invalidBytesAndAnUnknownCharsetDecodeWithoutFailing() throws Exception {
    ScanResponse response = client.send(ScanRequest.get(server.uri("/bad-bytes")));
    assertThat(response.body()).hasSize(5);
    assertThat(response.text()).contains("ok");
  }

  @Test
  void neverMoreRequestsInFlightThanTheConcurrencyCap() throws Exception {
    try (HttpScanClient capped = new HttpScanClient(client.scope(), ClientSettings.defaults().withConcurrency(3))) {
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<Future<ScanResponse>> futures = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        futures.add(pool.submit(() -> capped.send(ScanRequest.get(server.uri("/slow")))));
      }
      for (Future<ScanResponse> f : futures) {
        assertThat(f.get().status()).isEqualTo(200);
      }
      pool.shutdown();
      assertThat(server.maxOpen.get()).isBetween(1, 3);
      assertThat(capped.requestsSent()).isEqualTo(24);
    }
  }

  @Test
  void authenticationAndTheCookieJarGoOnEveryRequestAndARequestsOwnHeaderWins() throws Exception {
    Authentication auth = Authentication.of("tok3n-secret", null, null, "X-Api-Key", "key-secret-1", "session=sess-secret");
    try (HttpScanClient authed = new HttpScanClient(client.scope(), ClientSettings.defaults().withAuthentication(auth))) {
      authed.send(ScanRequest.get(server.uri("/cookie")));
      authed.send(ScanRequest.get(server.uri("/next")).withHeader("Cookie", "probe=1"));
      authed.send(ScanRequest.get(server.uri("/unauth")).withHeader("Authorization", "Bearer other"));
      String second = server.requestHeads.get(1);
      assertThat(second).contains("Authorization: Bearer tok3n-secret").contains("X-Api-Key: key-secret-1");
      assertThat(second).containsPattern("Cookie: probe=1; session=sess-secret; .*jar=filled");
      assertThat(server.requestHeads.get(2)).contains("Authorization: Bearer other").doesNotContain("tok3n-secret");
      assertThat(auth.mask(second)).doesNotContain("tok3n-secret").doesNotContain("key-secret-1").doesNotContain("sess-secret");
    }
  }

  @Test
  void aRequestSentWithoutTheCookieJarNeitherFillsNorReadsIt() throws Exception {
    try (HttpScanClient jarred = new HttpScanClient(client.scope(), ClientSettings.defaults())) {
      int before = server.requestHeads.size();
      jarred.sendWithoutCookieJar(ScanRequest.get(server.uri("/cookie")));
      jarred.send(ScanRequest.get(server.uri("/next")));
      assertThat(server.requestHeads.get(before + 1)).as("a login's session cookie stays out of the jar").doesNotContain("jar=filled");
      jarred.send(ScanRequest.get(server.uri("/cookie")));
      jarred.sendWithoutCookieJar(ScanRequest.get(server.uri("/next")));
      jarred.send(ScanRequest.get(server.uri("/next")));
      assertThat(server.requestHeads.get(before + 3)).as("nor does the jar's cookie go on it").doesNotContain("jar=filled");
      assertThat(server.requestHeads.get(before + 4)).contains("jar=filled");
    }
  }

  @Test
  void basicAuthenticationIsMaskedEncodedAndPlain() {
    Authentication auth = Authentication.of(null, "alice", "s3cret-pass", null, null, null);
    String header = auth.headers().get("Authorization");
    assertThat(header).startsWith("Basic ");
    assertThat(auth.mask("Authorization: " + header + " and s3cret-pass")).isEqualTo("Authorization: Basic ****** and ******");
  }
}
