package dev.moat.scan.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.scan.Severity;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PocTemplateParserTest {

  private static final String FILE = "/tmp/templates/probe.yaml";

  private static final String FULL = """
      id: probe-1
      info:
        name: A probe
        author: a, b
        severity: high
        description: what it finds
        reference: https://example.test/advisory
        tags: [one, two]
        classification:
          cve-id: CVE-2024-0001
          cwe-id: [CWE-200, CWE-538]
        remediation: upgrade
        metadata:
          verified: true
      http:
        - method: post
          path:
            - "{{BaseURL}}/login"
            - "{{RootURL}}/api/{{randstr}}"
          headers:
            X-Probe: "{{Hostname}}"
          body: "a={{randstr}}"
          redirects: true
          max-redirects: 2
          stop-at-first-match: true
          matchers-condition: and
          matchers:
            - type: word
              part: header
              condition: and
              negative: true
              case-insensitive: true
              words: [x-one, x-two]
            - type: regex
              regex: ['v([0-9]+)']
            - type: status
              status: [200, 201]
            - type: size
              size: 12
          extractors:
            - type: regex
              group: 1
              regex: ['v([0-9]+)']
            - type: kval
              kval: [x_version]
        - raw:
            - |
              OPTIONS /x?y=1 HTTP/1.1
              Host: {{Hostname}}
              X-A: b

              body line
          matchers:
            - type: status
              status: [204]
      """;

  private static PocTemplate parse(String yaml) throws MoatException {
    return PocTemplateParser.parse(yaml, FILE);
  }

  @Test
  void readsTheWholeSubset() throws Exception {
    PocTemplate t = parse(FULL);
    assertThat(t.id()).isEqualTo("probe-1");
    assertThat(t.source()).isEqualTo(FILE);
    assertThat(t.info().severity()).isEqualTo(Severity.HIGH);
    assertThat(t.info().author()).isEqualTo("a, b");
    assertThat(t.info().references()).containsExactly("https://example.test/advisory");
    assertThat(t.info().tags()).containsExactly("one", "two");
    assertThat(t.info().cveIds()).containsExactly("CVE-2024-0001");
    assertThat(t.info().cweIds()).containsExactly("CWE-200", "CWE-538");
    assertThat(t.info().remediation()).isEqualTo("upgrade");
    assertThat(t.exchanges()).isEqualTo(3);
    PocRequest first = t.requests().get(0);
    assertThat(first.method()).isEqualTo("POST");
    assertThat(first.paths()).hasSize(2);
    assertThat(first.headers()).containsEntry("X-Probe", "{{Hostname}}");
    assertThat(first.matchAll()).isTrue();
    assertThat(first.redirects()).isTrue();
    assertThat(first.maxRedirects()).isEqualTo(2);
    assertThat(first.stopAtFirstMatch()).isTrue();
    assertThat(first.matchers()).extracting(PocMatcher::type)
        .containsExactly(PocMatcher.Type.WORD, PocMatcher.Type.REGEX, PocMatcher.Type.STATUS, PocMatcher.Type.SIZE);
    PocMatcher word = first.matchers().get(0);
    assertThat(word.part()).isEqualTo(ResponsePart.HEADER);
    assertThat(word.and()).isTrue();
    assertThat(word.negative()).isTrue();
    assertThat(word.caseInsensitive()).isTrue();
    assertThat(first.matchers().get(2).numbers()).containsExactly(200, 201);
    assertThat(first.extractors()).extracting(PocExtractor::type).containsExactly(PocExtractor.Type.REGEX, PocExtractor.Type.KVAL);
    assertThat(first.extractors().get(0).group()).isEqualTo(1);
    RawRequest raw = t.requests().get(1).raws().get(0);
    assertThat(raw.method()).isEqualTo("OPTIONS");
    assertThat(raw.target()).isEqualTo("/x?y=1");
    assertThat(raw.headers()).extracting(java.util.Map.Entry::getKey).containsExactly("X-A");
    assertThat(raw.body()).isEqualTo("body line");
  }

  @Test
  void readsTheLegacyRequestsBlock() throws Exception {
    PocTemplate t = parse("""
        id: legacy
        info: {name: Legacy, severity: low}
        requests:
          - path: ["{{BaseURL}}/"]
            matchers: [{type: status, status: [200]}]
        """);
    assertThat(t.requests()).hasSize(1);
    assertThat(t.requests().get(0).method()).isEqualTo("GET");
  }

  @Test
  void everyBuiltInTemplateIsInTheSubset() {
    assertThat(PocTemplates.builtIn()).hasSizeBetween(6, 10).allSatisfy(t -> {
      assertThat(t.source()).startsWith("built-in:").endsWith(t.id() + ".yaml");
      assertThat(t.requests()).allSatisfy(r -> assertThat(r.matchAll() || r.matchers().size() == 1).as(t.id() + " is strict").isTrue());
    });
  }

  static Stream<Arguments> refused() {
    String head = "id: bad\ninfo: {name: Bad, severity: info}\n";
    String ok = "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: status, status: [200]}]\n";
    return Stream.of(
        Arguments.of(head + "dns:\n  - name: '{{FQDN}}'\n", "dns", "only http"),
        Arguments.of(head + "tcp:\n  - inputs: [{data: x}]\n", "tcp", "only http"),
        Arguments.of(head + "network:\n  - inputs: [{data: x}]\n", "network", "only http"),
        Arguments.of(head + "headless:\n  - steps: []\n", "headless", "only http"),
        Arguments.of(head + "code:\n  - engine: [sh]\n", "code", "only http"),
        Arguments.of(head + "file:\n  - extensions: [all]\n", "file", "only http"),
        Arguments.of(head + "javascript:\n  - code: x\n", "javascript", "only http"),
        Arguments.of(head + "ssl:\n  - address: x\n", "ssl", "only http"),
        Arguments.of(head + "websocket:\n  - address: x\n", "websocket", "only http"),
        Arguments.of(head + "whois:\n  - query: x\n", "whois", "only http"),
        Arguments.of(head + "flow: http(1)\n" + ok, "flow", "not supported"),
        Arguments.of(head + "variables: {a: b}\n" + ok, "variables", "not supported"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: dsl, dsl: ['status_code == 200']}]\n",
            "http[0].matchers[0].type", "dsl"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    extractors: [{type: dsl, dsl: ['status_code']}]\n",
            "http[0].extractors[0].type", "dsl"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: status, status: [200], dsl: ['x']}]\n",
            "http[0].matchers[0].dsl", "subset"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/{{user}}']\n    payloads: {user: [a, b]}\n    attack: pitchfork\n"
            + "    matchers: [{type: status, status: [200]}]\n", "http[0].payloads", "fuzzing"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    attack: batteringram\n    matchers: [{type: status, status: [200]}]\n",
            "http[0].attack", "fuzzing"),
        Arguments.of(head + "http:\n  - raw: ['GET / HTTP/1.1\n\n']\n    unsafe: true\n    matchers: [{type: status, status: [200]}]\n",
            "http[0].unsafe", "unsafe"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/?q={{base64(\"a\")}}']\n    matchers: [{type: status, status: [200]}]\n",
            "http[0].path[0]", "{{base64(\"a\")}}"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: word, words: ['{{md5(1)}}']}]\n",
            "http[0].matchers[0].words[0]", "{{md5(1)}}"),
        Arguments.of(head + "http:\n  - path: ['http://elsewhere.test/']\n    matchers: [{type: status, status: [200]}]\n",
            "http[0].path[0]", "must start with {{BaseURL}}"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    headers: {Host: elsewhere.test}\n    matchers: [{type: status, status: [200]}]\n",
            "http[0].headers.Host", "Host"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    extractors: [{type: regex, internal: true, regex: ['a']}]\n",
            "http[0].extractors[0].internal", "not passed"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n", "http[0].matchers", "needs matchers"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: regex, regex: ['(']}]\n",
            "http[0].matchers[0].regex[0]", "not a regular expression"),
        Arguments.of("id: bad\ninfo: {name: Bad, severity: severe}\n" + ok, "info.severity", "critical, high"),
        Arguments.of("id: bad\ninfo: {severity: low}\n" + ok, "info.name", "missing"),
        Arguments.of("id: 'bad id'\ninfo: {name: Bad, severity: low}\n" + ok, "id", "letters"),
        Arguments.of(head + "http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: word, part: interactsh_protocol, words: [dns]}]\n",
            "http[0].matchers[0].part", "body, header"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refused")
  void refusesWhatTheSubsetDoesNotSupportNamingFileAndField(String yaml, String field, String why) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOfSatisfying(MoatException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
      assertThat(e.getMessage()).contains(FILE).contains("field '" + field + "'").contains(why);
      assertThat(e.hint()).isNotEmpty();
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"DELETE", "PUT", "PATCH", "TRACE", "CONNECT"})
  void refusesMethodsThatCouldChangeTheTarget(String method) {
    String head = "id: bad\ninfo: {name: Bad, severity: info}\n";
    assertThatThrownBy(() -> parse(head + "http:\n  - method: " + method + "\n    path: ['{{BaseURL}}/']\n    matchers: [{type: status, status: [200]}]\n"))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains(FILE).contains("field 'http[0].method' is " + method)
            .contains("must not change the target"));
    assertThatThrownBy(() -> parse(head + "http:\n  - raw:\n      - |\n        " + method + " /x HTTP/1.1\n        Host: {{Hostname}}\n"
        + "    matchers: [{type: status, status: [200]}]\n"))
        .isInstanceOfSatisfying(MoatException.class, e -> assertThat(e.getMessage()).contains("field 'http[0].raw[0] (method)' is " + method));
  }

  @Test
  void capsTheRequestsOfOneTemplate() {
    StringBuilder yaml = new StringBuilder("id: many\ninfo: {name: Many, severity: info}\nhttp:\n  - path:\n");
    for (int i = 0; i <= PocTemplateParser.MAX_REQUESTS; i++) {
      yaml.append("      - '{{BaseURL}}/p").append(i).append("'\n");
    }
    yaml.append("    matchers: [{type: status, status: [200]}]\n");
    assertThatThrownBy(() -> parse(yaml.toString())).isInstanceOfSatisfying(MoatException.class,
        e -> assertThat(e.getMessage()).contains("field 'http'").contains("at most " + PocTemplateParser.MAX_REQUESTS));
  }

  @Test
  void anAliasBombIsReadWithoutExpandingIt() throws Exception {
    // 10^12 strings if the aliases were expanded; the guarded reader keeps them as they are
    StringBuilder yaml = new StringBuilder("id: bomb\ninfo:\n  name: Bomb\n  severity: info\n  metadata:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 12; i++) {
      yaml.append("    a").append(i).append(": &a").append(i).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
    }
    yaml.append("http:\n  - path: ['{{BaseURL}}/']\n    matchers: [{type: status, status: [200]}]\n");
    assertThat(parse(yaml.toString()).id()).isEqualTo("bomb");
  }
}
