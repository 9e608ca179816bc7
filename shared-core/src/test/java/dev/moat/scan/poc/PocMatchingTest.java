package dev.moat.scan.poc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Matchers, extractors, variables and raw requests on response and request values built directly. */
class PocMatchingTest {

  private static final URI BASE = URI.create("http://127.0.0.1:8080/app/x");
  private static final ScanResponse RESPONSE = new ScanResponse(URI.create("http://127.0.0.1:8080/app/x/probe"), 200,
      Map.of("Content-Type", List.of("text/plain"), "X-Engine-Version", List.of("4.2")), "Engine v4.2 ready\nid=moat0123456789".getBytes(StandardCharsets.UTF_8),
      false, 3);

  private final AtomicInteger markers = new AtomicInteger();
  private final PocVariables variables = PocVariables.of(BASE, () -> "moatmark" + markers.incrementAndGet());

  private static PocMatcher word(ResponsePart part, boolean and, boolean negative, boolean ci, String... words) {
    return new PocMatcher(PocMatcher.Type.WORD, part, and, negative, ci, List.of(words), List.of(), "");
  }

  @Test
  void wordsCombineWithAndOrAndNegative() {
    assertThat(word(ResponsePart.BODY, false, false, false, "nothing", "ready").matches(RESPONSE, variables)).isTrue();
    assertThat(word(ResponsePart.BODY, true, false, false, "nothing", "ready").matches(RESPONSE, variables)).isFalse();
    assertThat(word(ResponsePart.BODY, true, false, false, "Engine", "ready").matches(RESPONSE, variables)).isTrue();
    assertThat(word(ResponsePart.BODY, false, true, false, "ready").matches(RESPONSE, variables)).isFalse();
    assertThat(word(ResponsePart.BODY, false, true, false, "<html").matches(RESPONSE, variables)).isTrue();
  }

  @Test
  void partsAndCaseInsensitivity() {
    assertThat(word(ResponsePart.BODY, false, false, false, "x-engine-version").matches(RESPONSE, variables)).as("not in the body").isFalse();
    assertThat(word(ResponsePart.HEADER, false, false, false, "x-engine-version: 4.2").matches(RESPONSE, variables)).isTrue();
    assertThat(word(ResponsePart.HEADER, false, false, false, "X-Engine-Version").matches(RESPONSE, variables)).as("names are lower-cased").isFalse();
    assertThat(word(ResponsePart.HEADER, false, false, true, "X-Engine-Version").matches(RESPONSE, variables)).isTrue();
    assertThat(word(ResponsePart.HEADER, false, false, false, "HTTP/1.1 200").matches(RESPONSE, variables)).as("status line").isTrue();
    assertThat(word(ResponsePart.HEADER, false, false, false, "ready").matches(RESPONSE, variables)).isFalse();
    assertThat(word(ResponsePart.ALL, true, false, false, "x-engine-version", "ready").matches(RESPONSE, variables)).isTrue();
    assertThat(word(ResponsePart.BODY, false, false, false, "ENGINE").matches(RESPONSE, variables)).isFalse();
    assertThat(word(ResponsePart.BODY, false, false, true, "ENGINE").matches(RESPONSE, variables)).isTrue();
  }

  @Test
  void regexStatusAndSize() {
    PocMatcher regex = new PocMatcher(PocMatcher.Type.REGEX, ResponsePart.BODY, false, false, false, List.of("v[0-9]\\.[0-9] ready"), List.of(), "");
    assertThat(regex.matches(RESPONSE, variables)).isTrue();
    PocMatcher upper = new PocMatcher(PocMatcher.Type.REGEX, ResponsePart.BODY, false, false, false, List.of("READY"), List.of(), "");
    assertThat(upper.matches(RESPONSE, variables)).isFalse();
    assertThat(new PocMatcher(PocMatcher.Type.REGEX, ResponsePart.BODY, false, false, true, List.of("READY"), List.of(), "").matches(RESPONSE, variables))
        .isTrue();
    assertThat(new PocMatcher(PocMatcher.Type.STATUS, ResponsePart.BODY, false, false, false, List.of(), List.of(404, 200), "").matches(RESPONSE, variables))
        .isTrue();
    assertThat(new PocMatcher(PocMatcher.Type.STATUS, ResponsePart.BODY, false, false, false, List.of(), List.of(404), "").matches(RESPONSE, variables))
        .isFalse();
    assertThat(new PocMatcher(PocMatcher.Type.STATUS, ResponsePart.BODY, false, true, false, List.of(), List.of(404), "").matches(RESPONSE, variables))
        .isTrue();
    int size = RESPONSE.body().length;
    assertThat(new PocMatcher(PocMatcher.Type.SIZE, ResponsePart.BODY, false, false, false, List.of(), List.of(size), "").matches(RESPONSE, variables))
        .isTrue();
    assertThat(new PocMatcher(PocMatcher.Type.SIZE, ResponsePart.BODY, false, false, false, List.of(), List.of(size + 1), "").matches(RESPONSE, variables))
        .isFalse();
  }

  @Test
  void extractorsTakeRegexGroupsAndHeaderValues() {
    PocExtractor group = new PocExtractor(PocExtractor.Type.REGEX, ResponsePart.BODY, List.of("v([0-9.]+)"), 1, "version");
    assertThat(group.extract(RESPONSE, variables)).containsExactly("4.2");
    PocExtractor whole = new PocExtractor(PocExtractor.Type.REGEX, ResponsePart.BODY, List.of("id=\\w+"), 0, "");
    assertThat(whole.extract(RESPONSE, variables)).containsExactly("id=moat0123456789");
    PocExtractor kval = new PocExtractor(PocExtractor.Type.KVAL, ResponsePart.HEADER, List.of("x_engine_version", "missing"), 0, "");
    assertThat(kval.extract(RESPONSE, variables)).containsExactly("4.2");
    assertThat(new PocExtractor(PocExtractor.Type.REGEX, ResponsePart.BODY, List.of("absent([0-9])"), 1, "").extract(RESPONSE, variables)).isEmpty();
  }

  @Test
  void variablesDescribeTheTargetAndRandstrIsOneMarkerPerNameAndRun() {
    assertThat(variables.resolve("{{BaseURL}}|{{RootURL}}|{{Hostname}}|{{Host}}|{{Port}}|{{Path}}|{{File}}|{{Scheme}}"))
        .isEqualTo("http://127.0.0.1:8080/app/x|http://127.0.0.1:8080|127.0.0.1:8080|127.0.0.1|8080|/app|x|http");
    assertThat(variables.resolve("{{randstr}}-{{randstr}}-{{randstr_2}}")).isEqualTo("moatmark1-moatmark1-moatmark2");
    assertThat(PocVariables.of(URI.create("https://example.test/"), () -> "m").resolve("{{BaseURL}}/a {{Port}}"))
        .isEqualTo("https://example.test/a 443");
    assertThat(PocVariables.unsupported("{{BaseURL}}/{{ randstr }}")).isNull();
    assertThat(PocVariables.unsupported("{{BaseURL}}/{{rand_int(1)}}")).isEqualTo("{{rand_int(1)}}");
    PocMatcher marked = new PocMatcher(PocMatcher.Type.WORD, ResponsePart.BODY, false, false, false, List.of("{{randstr}}"), List.of(), "");
    assertThat(marked.provesMarker()).isTrue();
    assertThat(marked.matches(RESPONSE, variables)).as("moatmark1 is not in the body").isFalse();
  }

  @Test
  void rawRequestsAreAppendedToTheTargetsPathAndGetItsHost() {
    RawRequest raw = RawRequest.parse("POST /login?next=1 HTTP/1.1\nHost: evil.test\nContent-Length: 99\nX-Token: {{randstr}}\n\nuser={{Host}}\n\n");
    ScanRequest request = raw.toScanRequest(variables);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).hasToString("http://127.0.0.1:8080/app/x/login?next=1");
    assertThat(request.header("Host")).isNull();
    assertThat(request.header("Content-Length")).isNull();
    assertThat(request.header("X-Token")).isEqualTo("moatmark1");
    assertThat(request.bodyText()).isEqualTo("user=127.0.0.1");
    assertThat(RawRequest.parse("GET HTTP/1.1\nHost: x\n").toScanRequest(variables).uri()).hasToString("http://127.0.0.1:8080/app/x");
    assertThat(RawRequest.parse("GET {{RootURL}}/top HTTP/1.1\n").toScanRequest(variables).uri()).hasToString("http://127.0.0.1:8080/top");
  }
}
