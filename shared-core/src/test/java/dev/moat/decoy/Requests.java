package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the requests an HTTP emulator sees and captures the alerts it raises, for emulator unit tests. */
final class Requests {

  final List<Alert> alerts = new ArrayList<>();

  Interaction interaction(String type) {
    return new Interaction(new DecoyIdentity("test-" + type, type, null, null), "198.51.100.7", 40000, "http", alerts::add,
        Clock.systemUTC());
  }

  static HttpRequestView get(String target) {
    return request("GET", target, "");
  }

  static HttpRequestView request(String method, String target, String body) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : target.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("host", List.of("127.0.0.1"));
    return new HttpRequestView(method, target, path, query, headers, body.getBytes(StandardCharsets.UTF_8), false);
  }

  static String body(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }
}
