package dev.moat;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpClientsTest {

  /** The JDK's selector thread of {@code client}, found the way a thread dump shows it. */
  private static Optional<Thread> selectorOf(HttpClient client) {
    String id = client.toString().replaceAll("^.*\\((\\d+)\\)$", "$1");
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("HttpClient-" + id + "-SelectorManager"))
        .findFirst();
  }

  @Test
  void theSelectorThreadOfAClientThatWasUsedEnds() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<Void> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2/")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(204);
      Thread selector = selectorOf(client).orElseThrow();
      assertThat(selector.isAlive()).isTrue();

      HttpClients.shutdownNow(client);

      selector.join(10_000);
      assertThat(selector.isAlive()).as("selector thread still running").isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aClientThatNeverSentAnythingStopsToo() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Thread selector = selectorOf(client).orElseThrow();

    HttpClients.shutdownNow(client);

    selector.join(10_000);
    assertThat(selector.isAlive()).isFalse();
  }

  @Test
  void stoppingOneClientLeavesAnotherRunning() throws Exception {
    HttpClient stopped = HttpClient.newHttpClient();
    HttpClient running = HttpClient.newHttpClient();
    Thread mine = selectorOf(stopped).orElseThrow();
    Thread other = selectorOf(running).orElseThrow();

    HttpClients.shutdownNow(stopped);
    mine.join(10_000);

    assertThat(mine.isAlive()).isFalse();
    assertThat(other.isAlive()).isTrue();
    HttpClients.shutdownNow(running);
  }

  /** Run in a child JVM by {@link #beforeExitEveryClientsSelectorEnds}: stopping every client must not hit other tests. */
  public static void main(String[] args) throws InterruptedException {
    HttpClient first = HttpClient.newHttpClient();
    HttpClient second = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Thread a = selectorOf(first).orElseThrow();
    Thread b = selectorOf(second).orElseThrow();
    HttpClients.stopAllBeforeExit();
    a.join(10_000);
    b.join(10_000);
    System.out.println("alive: " + a.isAlive() + " " + b.isAlive());
  }

  @Test
  void beforeExitEveryClientsSelectorEnds() throws Exception {
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), HttpClientsTest.class.getName())
        .redirectErrorStream(true)
        .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("alive: false false");
  }

  @Test
  void nullIsNothingToStop() {
    HttpClients.shutdownNow(null);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
