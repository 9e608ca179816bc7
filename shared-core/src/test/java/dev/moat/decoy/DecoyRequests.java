package dev.moat.decoy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link HttpRequestView}s the way the runtime does (decoded path and query) and records alerts. */
final class DecoyRequests {

  final List<Alert> alerts = new ArrayList<>();
  final Interaction interaction = new Interaction(new DecoyIdentity("test-decoy", "test", null, null), "192.0.2.7", 40123, "http",
      alerts::add, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  static HttpRequestView get(String target, String... headerPairs) {
    return request("GET", target, new byte[0], headerPairs);
  }

  static HttpRequestView post(String target, String body, String... headerPairs) {
    return request("POST", target, body.getBytes(StandardCharsets.UTF_8), headerPairs);
  }

  static HttpRequestView request(String method, String target, byte[] body, String... headerPairs) {
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      headers.computeIfAbsent(headerPairs[i].toLowerCase(), k -> new ArrayList<>()).add(headerPairs[i + 1]);
    }
    return new HttpRequestView(method, target, decode(rawPath.replace("+", "%2B")), query, headers, body, false);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  HttpReply send(HttpEmulator emulator, HttpRequestView request) {
    return HttpDecoyHandler.answer(emulator, request, interaction);
  }

  static String body(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  List<String> actions() {
    return alerts.stream().map(Alert::action).toList();
  }
}
