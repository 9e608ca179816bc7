package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The generic {@code http} decoy: answers each request from the first route that matches it, 404 otherwise. */
public final class RoutedHttpDecoy implements HttpEmulator {

  private final List<HttpRoute> routes;
  private final Map<String, String> serverHeaders;

  public RoutedHttpDecoy(List<HttpRoute> routes, Map<String, String> serverHeaders) {
    this.routes = List.copyOf(routes);
    this.serverHeaders = Map.copyOf(serverHeaders);
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("http", "custom", "any HTTP service, from the routes in decoys.yaml", 8080,
        List.of("every request: http.request (info), or the route's own action and severity"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    return serverHeaders;
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    for (HttpRoute route : routes) {
      if (route.matches(request.method(), request.path())) {
        if (route.severity() != null) {
          interaction.alert(route.action() == null ? "http.request" : route.action(), route.severity(), "T1190",
              request.method() + " " + request.rawTarget(), Map.of("method", request.method(), "path", request.path(),
                  "route", route.path()));
        }
        return new HttpReply(route.status(), route.headers(), route.body().getBytes(StandardCharsets.UTF_8));
      }
    }
    return HttpReply.html(404, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n");
  }
}
