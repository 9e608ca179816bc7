package dev.moat.decoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The etcd 3.5 v3 gRPC-gateway (JSON over HTTP, keys and values base64) on 2379 without auth, holding a canned
 * Kubernetes registry. Ranges over secrets alert high; writes and auth calls alert; nothing is stored.
 */
public final class EtcdDecoy implements HttpEmulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> KEYS = cannedKeys();
  private static final String HEADER = "{\"cluster_id\":\"14841639068965178418\",\"member_id\":\"10276657743932975437\","
      + "\"revision\":\"48213\",\"raft_term\":\"7\"}";

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("etcd", "unauthorised access", "etcd 3.5.9 v3 HTTP gateway without auth", 2379, List.of(
        "POST /v3/kv/range over /registry/secrets or a whole prefix: etcd.read_secrets HIGH T1552; other keys: etcd.read LOW T1552",
        "POST /v3/kv/put, /v3/kv/deleterange, /v3/kv/txn: etcd.write HIGH T1565",
        "/v3/auth/*: etcd.auth MEDIUM T1078"));
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    String body = new String(request.body(), StandardCharsets.UTF_8);
    String excerpt = request.method() + " " + request.rawTarget() + " " + body;
    switch (path) {
      case "/version":
        return HttpReply.json(200, "{\"etcdserver\":\"3.5.9\",\"etcdcluster\":\"3.5.0\"}");
      case "/health":
        return HttpReply.json(200, "{\"health\":\"true\",\"reason\":\"\"}");
      case "/v3/kv/range":
        return range(tree(request.body()), interaction, excerpt);
      case "/v3/kv/put":
      case "/v3/kv/deleterange":
      case "/v3/kv/txn":
      case "/v3/kv/compaction": {
        JsonNode req = tree(request.body());
        interaction.alert("etcd.write", AlertSeverity.HIGH, "T1565", excerpt,
            Map.of("path", path, "key", decode(req.path("key").asText(""))));
        return HttpReply.json(200, "{\"header\":" + HEADER + "}");
      }
      default:
        break;
    }
    if (path.startsWith("/v3/auth/")) {
      interaction.alert("etcd.auth", AlertSeverity.MEDIUM, "T1078", excerpt, Map.of("path", path));
      if (path.equals("/v3/auth/status")) {
        return HttpReply.json(200, "{\"header\":" + HEADER + ",\"enabled\":false,\"authRevision\":\"1\"}");
      }
      return HttpReply.json(400, "{\"error\":\"etcdserver: authentication is not enabled\",\"code\":9,"
          + "\"message\":\"etcdserver: authentication is not enabled\"}");
    }
    if (path.startsWith("/v3/")) {
      return HttpReply.json(200, "{\"header\":" + HEADER + "}");
    }
    return HttpReply.text(404, "404 page not found\n");
  }

  private HttpReply range(JsonNode req, Interaction interaction, String excerpt) {
    String key = decode(req.path("key").asText(""));
    String rangeEnd = decode(req.path("range_end").asText(""));
    boolean keysOnly = req.path("keys_only").asBoolean(false);
    boolean countOnly = req.path("count_only").asBoolean(false);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode kvs = JSON.createArrayNode();
    int count = 0;
    for (Map.Entry<String, String> e : KEYS.entrySet()) {
      boolean match = rangeEnd.isEmpty() ? e.getKey().equals(key)
          : e.getKey().compareTo(key) >= 0 && (rangeEnd.equals("\0") || e.getKey().compareTo(rangeEnd) < 0);
      if (match) {
        count++;
        if (!countOnly) {
          ObjectNode kv = kvs.addObject();
          kv.put("key", encode(e.getKey()));
          kv.put("create_revision", "1204");
          kv.put("mod_revision", "47110");
          kv.put("version", "3");
          if (!keysOnly) {
            kv.put("value", encode(e.getValue()));
          }
        }
      }
    }
    boolean secrets = key.startsWith("/registry/secrets") || !rangeEnd.isEmpty() && "/registry/secrets".compareTo(key) >= 0
        && (rangeEnd.equals("\0") || "/registry/secrets".compareTo(rangeEnd) < 0);
    interaction.alert(secrets ? "etcd.read_secrets" : "etcd.read", secrets ? AlertSeverity.HIGH : AlertSeverity.LOW, "T1552", excerpt,
        Map.of("key", key, "range_end", rangeEnd));
    try {
      answer.set("header", JSON.readTree(HEADER));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    if (count > 0 && !countOnly) {
      answer.set("kvs", kvs);
    }
    answer.put("count", String.valueOf(count));
    return HttpReply.json(200, answer.toString());
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.missingNode() : node;
    } catch (java.io.IOException e) {
      return JSON.missingNode();
    }
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return base64;
    }
  }

  private static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> cannedKeys() {
    Map<String, String> k = new LinkedHashMap<>();
    k.put("/registry/configmaps/payments/api-config", "{\"kind\":\"ConfigMap\",\"data\":{\"DB_HOST\":\"payments-db\",\"LOG_LEVEL\":\"info\"}}");
    k.put("/registry/namespaces/payments", "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"payments\"}}");
    k.put("/registry/pods/payments/payments-api-7d9c5b6f4-x2kqp", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"payments-api-7d9c5b6f4-x2kqp\"}}");
    k.put("/registry/secrets/kube-system/bootstrap-token-abcdef", "{\"kind\":\"Secret\",\"type\":\"bootstrap.kubernetes.io/token\","
        + "\"data\":{\"token-id\":\"ZmFrZWlk\",\"token-secret\":\"ZGVjb3lkZWNveWRlY295MDA=\"}}");
    k.put("/registry/secrets/payments/db-credentials", "{\"kind\":\"Secret\",\"type\":\"Opaque\","
        + "\"data\":{\"username\":\"cGF5bWVudHM=\",\"password\":\"ZmFrZS1kZWNveS1wYXNzd29yZA==\"}}");
    k.put("/registry/secrets/payments/stripe-api", "{\"kind\":\"Secret\",\"type\":\"Opaque\","
        + "\"data\":{\"key\":\"c2tfbGl2ZV9GQUtFMDAwMDAwMDAwZGVjb3k=\"}}");
    k.put("/registry/serviceaccounts/kube-system/default", "{\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"default\"}}");
    return k;
  }
}
