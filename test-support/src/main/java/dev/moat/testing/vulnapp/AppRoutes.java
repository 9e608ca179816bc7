package dev.moat.testing.vulnapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the route groups register: handlers (an exact path, or a prefix ending in {@code /**}), OpenAPI
 * operations, HTML links for the crawlable index page, and the ground truth.
 */
public final class AppRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Route(String method, String path, boolean prefix, AppHandler handler) {
    boolean matches(String m, String p) {
      boolean methodOk = method.equals("*") || method.equals(m) || (m.equals("HEAD") && method.equals("GET"));
      return methodOk && (prefix ? p.startsWith(path) : p.equals(path));
    }
  }

  private final List<Route> routes = new ArrayList<>();
  private final Map<String, ObjectNode> paths = new LinkedHashMap<>();
  private final List<String> links = new ArrayList<>();
  private final List<GroundTruth> truth = new ArrayList<>();

  /** Routes {@code method} ({@code *} for any) on {@code path}; a path ending in {@code /**} matches everything under it. */
  public AppRoutes handle(String method, String path, AppHandler handler) {
    boolean prefix = path.endsWith("/**");
    routes.add(new Route(method.toUpperCase(Locale.ROOT), prefix ? path.substring(0, path.length() - 2) : path, prefix, handler));
    return this;
  }

  /** Adds an OpenAPI 3.0 operation object (JSON text) for {@code method} on {@code path} (a template such as {@code /api/items/{id}}). */
  public AppRoutes operation(String method, String path, String operationJson) {
    try {
      JsonNode op = JSON.readTree(operationJson);
      paths.computeIfAbsent(path, p -> JSON.createObjectNode()).set(method.toLowerCase(Locale.ROOT), op);
    } catch (IOException e) {
      throw new UncheckedIOException("bad OpenAPI operation for " + method + " " + path, e);
    }
    return this;
  }

  /** Adds an HTML fragment (a link or a form) to the index page the crawler starts from. */
  public AppRoutes link(String htmlFragment) {
    links.add(htmlFragment);
    return this;
  }

  public AppRoutes vulnerable(VulnerabilityClass type, String method, String path, String parameter) {
    truth.add(new GroundTruth(type, method.toUpperCase(Locale.ROOT), path, parameter, true));
    return this;
  }

  public AppRoutes safe(VulnerabilityClass type, String method, String path, String parameter) {
    truth.add(new GroundTruth(type, method.toUpperCase(Locale.ROOT), path, parameter, false));
    return this;
  }

  Route find(String method, String path) {
    Route best = null;
    for (Route r : routes) {
      if (r.matches(method, path) && (best == null || !r.prefix || (best.prefix && r.path.length() > best.path.length()))) {
        best = r;
      }
    }
    return best;
  }

  Map<String, ObjectNode> paths() {
    return paths;
  }

  List<String> links() {
    return links;
  }

  List<GroundTruth> truth() {
    return truth;
  }
}
