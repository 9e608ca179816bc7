package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Elasticsearch 7.17.9 without security: the banner, cluster health, nodes, {@code _cat/indices} with tempting
 * indices and canned, obviously fake search hits. Searching alerts; a {@code script} in a query alerts higher and is
 * never run.
 */
public final class ElasticsearchDecoy implements HttpEmulator {

  private static final Pattern SCRIPT = Pattern.compile("\"(script|inline|source)\"\\s*:", Pattern.CASE_INSENSITIVE);
  private static final List<String> INDICES = List.of("customers", "payments", "orders", "users-2026.11", ".kibana_7.17.9_001");

  private final CannedText canned = new CannedText("elasticsearch");

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("elasticsearch", "unauthorised access", "Elasticsearch 7.17.9 without security", 9200, List.of(
        "/_search, /{index}/_search: es.search MEDIUM T1530 (HIGH on payments/customers/users indices)",
        "a script in a query or an _update/_delete_by_query/PUT/DELETE: es.script HIGH T1059 / es.write HIGH T1565",
        "/_cat/indices, /_nodes, /_cluster/*: es.discovery LOW T1580"));
  }

  /** Elasticsearch's HTTP layer sends no Date header; an empty one tells the runtime to leave it out. */
  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    return answer(request, interaction).withHeader("Date", "");
  }

  private HttpReply answer(HttpRequestView request, Interaction interaction) {
    String path = request.path().length() > 1 && request.path().endsWith("/")
        ? request.path().substring(0, request.path().length() - 1) : request.path();
    String body = new String(request.body(), StandardCharsets.UTF_8);
    String excerpt = request.method() + " " + request.rawTarget() + " " + body;
    if (SCRIPT.matcher(body).find() || request.rawTarget().toLowerCase(Locale.ROOT).contains("script")) {
      interaction.alert("es.script", AlertSeverity.HIGH, "T1059", excerpt, Map.of("path", path));
      return HttpReply.json(400, canned.get("script-error.json"));
    }
    if (path.equals("/") || path.isEmpty()) {
      // the pretty-printed banner with ES's exact content type, as nmap's Elasticsearch fingerprint expects
      return HttpReply.of(200, "application/json; charset=UTF-8", canned.get("banner.json") + "\n");
    }
    if (path.startsWith("/_cat/indices")) {
      interaction.alert("es.discovery", AlertSeverity.LOW, "T1580", excerpt, Map.of("path", path));
      boolean json = "json".equals(request.queryParameter("format"));
      return json ? HttpReply.json(200, canned.get("cat-indices.json")) : HttpReply.text(200, catIndices(request.query().containsKey("v")));
    }
    if (path.equals("/_cluster/health")) {
      return HttpReply.json(200, canned.get("cluster-health.json"));
    }
    if (path.startsWith("/_nodes") || path.startsWith("/_cluster")) {
      interaction.alert("es.discovery", AlertSeverity.LOW, "T1580", excerpt, Map.of("path", path));
      return HttpReply.json(200, canned.get("nodes.json"));
    }
    if (path.equals("/_search") || path.endsWith("/_search")) {
      String index = path.equals("/_search") ? "_all" : path.substring(1, path.length() - "/_search".length());
      boolean sensitive = index.equals("_all") || index.contains("*") || index.contains("payment") || index.contains("customer")
          || index.contains("user");
      interaction.alert("es.search", sensitive ? AlertSeverity.HIGH : AlertSeverity.MEDIUM, "T1530", excerpt, Map.of("index", index));
      return HttpReply.json(200, canned.get("search.json"));
    }
    String method = request.method();
    if (method.equals("PUT") || method.equals("DELETE") || path.contains("_update") || path.contains("_delete_by_query")
        || path.endsWith("/_doc") || path.contains("/_doc/") && method.equals("POST")) {
      interaction.alert("es.write", AlertSeverity.HIGH, "T1565", excerpt, Map.of("path", path, "method", method));
      return HttpReply.json(403, "{\"error\":{\"root_cause\":[{\"type\":\"cluster_block_exception\",\"reason\":\"index [customers] "
          + "blocked by: [FORBIDDEN/8/index write (api)];\"}],\"type\":\"cluster_block_exception\",\"reason\":\"index [customers] "
          + "blocked by: [FORBIDDEN/8/index write (api)];\"},\"status\":403}");
    }
    String name = path.substring(1).split("/")[0];
    if (INDICES.contains(name)) {
      interaction.alert("es.discovery", AlertSeverity.LOW, "T1580", excerpt, Map.of("path", path));
      return HttpReply.json(200, "{\"" + name + "\":{\"aliases\":{},\"mappings\":{\"properties\":{\"email\":{\"type\":\"keyword\"},"
          + "\"name\":{\"type\":\"text\"},\"card_last4\":{\"type\":\"keyword\"}}},\"settings\":{\"index\":{\"number_of_shards\":\"1\","
          + "\"number_of_replicas\":\"1\",\"provided_name\":\"" + name + "\"}}}}");
    }
    return HttpReply.json(404, "{\"error\":{\"root_cause\":[{\"type\":\"index_not_found_exception\",\"reason\":\"no such index ["
        + name.replaceAll("[^A-Za-z0-9._*-]", "") + "]\"}],\"type\":\"index_not_found_exception\",\"reason\":\"no such index\"},"
        + "\"status\":404}");
  }

  private static String catIndices(boolean verbose) {
    String[][] rows = {
        {"green", "open", "customers", "Zq3pXr8aT1mW0x7dY6kLcA", "1", "1", "184213", "0", "96.4mb", "48.2mb"},
        {"green", "open", "payments", "b2Ny5KdQRg2u3T8vX1qHwe", "1", "1", "1290344", "211", "512.7mb", "256.3mb"},
        {"green", "open", "orders", "mF0hD3sLQ0y7cJ9kP2rVtg", "1", "1", "733120", "18", "301.1mb", "150.5mb"},
        {"green", "open", "users-2026.11", "Rt4WqB1nSvK8pE6xZ0jLmh", "1", "1", "20731", "0", "11.9mb", "5.9mb"},
        {"green", "open", ".kibana_7.17.9_001", "c9LxT2aYQf6Wn1sE4hVb0g", "1", "0", "412", "3", "2.3mb", "2.3mb"}};
    StringBuilder sb = new StringBuilder();
    if (verbose) {
      sb.append(String.format("%-6s %-6s %-18s %-22s %-3s %-3s %-10s %-12s %-10s %s%n", "health", "status", "index", "uuid", "pri", "rep",
          "docs.count", "docs.deleted", "store.size", "pri.store.size"));
    }
    for (String[] r : rows) {
      sb.append(String.format("%-6s %-6s %-18s %-22s %-3s %-3s %-10s %-12s %-10s %s%n", (Object[]) r));
    }
    return sb.toString();
  }
}
