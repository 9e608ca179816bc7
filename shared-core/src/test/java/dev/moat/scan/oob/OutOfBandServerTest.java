package dev.moat.scan.oob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.OutOfBandHit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The out-of-band listener on 127.0.0.1, hit by real clients (the JDK's HttpClient, and curl when installed). */
class OutOfBandServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void recordsAHitPerTokenAndAnswersEmpty() throws Exception {
    try (OutOfBandServer oob = OutOfBandServer.start("127.0.0.1", 0, null, Clock.systemUTC())) {
      URI callback = oob.callbackUrl("moatabc123");
      assertThat(callback.toString()).isEqualTo("http://127.0.0.1:" + oob.port() + "/moatabc123");
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(callback + "/deeper?x=1")).header("X-Probe", "yes").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      List<OutOfBandHit> hits = oob.awaitHits("moatabc123", Duration.ofSeconds(2));
      assertThat(hits).hasSize(1);
      assertThat(hits.get(0).method()).isEqualTo("GET");
      assertThat(hits.get(0).path()).isEqualTo("/moatabc123/deeper?x=1");
      assertThat(hits.get(0).sourceAddress()).isEqualTo("127.0.0.1");
      assertThat(hits.get(0).excerpt()).contains("X-probe: yes");
    }
  }

  @Test
  void aPathThatIsNoTokenIs404AndNotRecordedAndWaitingEndsAtTheDeadline() throws Exception {
    try (OutOfBandServer oob = OutOfBandServer.start("127.0.0.1", 0, URI.create("http://moat-scan.tools.svc:8877"), Clock.systemUTC())) {
      assertThat(oob.callbackUrl("moatxyz").toString()).isEqualTo("http://moat-scan.tools.svc:8877/moatxyz");
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + oob.port() + "/../etc")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(oob.awaitHits("moatxyz", Duration.ofMillis(200))).isEmpty();
    }
  }

  @Test
  void curlPostingABigBodyIsReadOnlyUpToTheCap() throws Exception {
    Path curl = Path.of("/usr/bin/curl");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(curl), "skipped: curl is not installed (apt-get install curl)");
    try (OutOfBandServer oob = OutOfBandServer.start("127.0.0.1", 0, null, Clock.systemUTC())) {
      Process p = new ProcessBuilder(curl.toString(), "-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@-",
          oob.callbackUrl("moatcurl1").toString()).redirectErrorStream(true).start();
      try (var out = p.getOutputStream()) {
        out.write("A".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("200");
      List<OutOfBandHit> hits = oob.awaitHits("moatcurl1", Duration.ofSeconds(2));
      assertThat(hits).hasSize(1);
      assertThat(hits.get(0).method()).isEqualTo("POST");
      assertThat(hits.get(0).excerpt().length()).isLessThanOrEqualTo(512);
    }
  }
}
