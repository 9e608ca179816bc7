package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's limits against hostile clients, over real sockets on 127.0.0.1. No timing assertions: only what happened. */
class DecoyServerLimitsTest {

  final RecordingPublisher alerts = new RecordingPublisher();
  final AtomicReference<HttpRequestView> seen = new AtomicReference<>();
  final HttpEmulator echo = new HttpEmulator() {
    @Override
    public CatalogEntry describe() {
      return new CatalogEntry("test-http", "custom", "a recording HTTP emulator", 0, List.of());
    }

    @Override
    public HttpReply handle(HttpRequestView request, Interaction interaction) {
      seen.set(request);
      return HttpReply.text(200, "seen " + request.body().length + "\n");
    }
  };
  final StreamEmulator banner = new BannerDecoy("220 ready\r\n", List.of(), AlertSeverity.LOW, "tcp.line");
  DecoyServer server;

  DecoyServer start(DecoyLimits limits) throws Exception {
    server = DecoyServer.start(List.of(
        new ServedDecoy(new DecoyIdentity("web", "test-http", null, null), echo, 0),
        new ServedDecoy(new DecoyIdentity("ftp", "tcp-banner", null, null), banner, 0)), "127.0.0.1", limits, alerts, Clock.systemUTC());
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  int web() {
    return server.boundPorts().get("web");
  }

  int ftp() {
    return server.boundPorts().get("ftp");
  }

  @Test
  void slowlorisHeadersTrickledByteByByteAreCutByTheRequestTimeout() throws Exception {
    start(DecoyLimits.defaults().withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(1)));
    byte[] request = ("GET / HTTP/1.1\r\nHost: x\r\n" + "X-a: " + "b".repeat(4000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    boolean cut = false;
    int sent = 0;
    try (Socket s = new Socket("127.0.0.1", web())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      s.setSoTimeout(50);
      for (; sent < request.length && !cut; sent++) {
        try {
          out.write(request[sent]);
          out.flush();
          cut = in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
          // the server is still waiting for the rest; trickle on
        } catch (IOException reset) {
          cut = true;
        }
      }
    }
    assertThat(cut).as("connection closed before the trickled request was complete").isTrue();
    assertThat(sent).isLessThan(request.length);
    assertThat(seen.get()).isNull();
  }

  @Test
  void aSilentStreamConnectionIsClosedByTheIdleTimeout() throws Exception {
    start(DecoyLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    try (Socket s = new Socket("127.0.0.1", ftp())) {
      s.setSoTimeout(30_000);
      assertThat(GenericDecoyTest.readLine(s.getInputStream())).isEqualTo("220 ready");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void oversizedHeadersAreAnswered431AndTheConnectionClosed() throws Exception {
    start(DecoyLimits.defaults());
    String answer = exchange(web(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431 ");
    assertThat(seen.get()).isNull();
    assertThat(alerts.await(a -> a.action().equals("http.malformed")).fields()).containsEntry("status", "431");
  }

  @Test
  void anOversizedRequestLineIsAnswered414AndTheConnectionClosed() throws Exception {
    start(DecoyLimits.defaults());
    assertThat(exchange(web(), "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 414 ");
  }

  @Test
  void anOversizedBodyIsTruncatedForTheEmulatorAndTheConnectionClosedAfterTheAnswer() throws Exception {
    start(DecoyLimits.defaults().withMaxBody(1024));
    String answer = exchange(web(), "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "z".repeat(5000));
    assertThat(answer).startsWith("HTTP/1.1 200 ").contains("Connection: close").endsWith("seen 1024\n");
    assertThat(seen.get().body()).hasSize(1024);
    assertThat(seen.get().bodyTruncated()).isTrue();
  }

  @Test
  void theRequestViewCarriesDecodedPathQueryAndLowerCaseHeaders() throws Exception {
    start(DecoyLimits.defaults());
    exchange(web(), "GET /dl/a%20b?file=..%2f..%2fetc%2fpasswd&x=1&x=2 HTTP/1.1\r\nHost: x\r\nX-Api-KEY: k\r\nConnection: close\r\n\r\n");
    HttpRequestView view = seen.get();
    assertThat(view.rawTarget()).isEqualTo("/dl/a%20b?file=..%2f..%2fetc%2fpasswd&x=1&x=2");
    assertThat(view.path()).isEqualTo("/dl/a b");
    assertThat(view.queryParameter("file")).isEqualTo("../../etc/passwd");
    assertThat(view.query().get("x")).containsExactly("1", "2");
    assertThat(view.header("x-api-key")).isEqualTo("k");
    assertThat(view.headers()).containsKey("x-api-key");
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnceAndServedAgainWhenOthersLeave() throws Exception {
    start(DecoyLimits.defaults().withMaxConnections(3));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", ftp());
        s.setSoTimeout(20_000);
        held.add(s);
        assertThat(GenericDecoyTest.readLine(s.getInputStream())).isEqualTo("220 ready");
      }
      try (Socket over = new Socket("127.0.0.1", ftp())) {
        over.setSoTimeout(20_000);
        assertThat(over.getInputStream().read()).as("no banner past the cap").isEqualTo(-1);
      }
      held.remove(0).close();
      String greeting = "";
      for (int attempt = 0; attempt < 200 && !greeting.equals("220 ready"); attempt++) {
        try (Socket again = new Socket("127.0.0.1", ftp())) {
          again.setSoTimeout(20_000);
          greeting = GenericDecoyTest.readLine(again.getInputStream());
        }
        Thread.sleep(50);
      }
      assertThat(greeting).isEqualTo("220 ready");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aConnectionThatSendsMoreThanItsBudgetIsClosed() throws Exception {
    start(new DecoyLimits(100, Duration.ofSeconds(60), Duration.ofSeconds(30), 64 * 1024, 8192, 16384, 1024));
    boolean closed = false;
    try (Socket s = new Socket("127.0.0.1", ftp())) {
      s.setSoTimeout(20_000);
      byte[] line = ("x".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 1000; i++) {
          s.getOutputStream().write(line);
        }
      } catch (IOException reset) {
        closed = true;
      }
      if (!closed) {
        InputStream in = s.getInputStream();
        GenericDecoyTest.readLine(in);
        closed = in.read() == -1;
      }
    }
    assertThat(closed).isTrue();
  }

  @Test
  void closeEndsOpenConnections() throws Exception {
    start(DecoyLimits.defaults());
    try (Socket s = new Socket("127.0.0.1", ftp())) {
      s.setSoTimeout(20_000);
      GenericDecoyTest.readLine(s.getInputStream());
      server.close();
      int r;
      try {
        r = s.getInputStream().read();
      } catch (IOException reset) {
        r = -1;
      }
      assertThat(r).isEqualTo(-1);
    }
    server = null;
  }

  private static String exchange(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      try {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException closedEarly) {
        // the server may answer and close before the whole oversized request is written
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(answer);
      } catch (IOException reset) {
        // a reset after the answer (unread request bytes) still leaves what was read
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

}
