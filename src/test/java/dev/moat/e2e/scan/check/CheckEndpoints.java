package dev.moat.e2e.scan.check;

import static dev.moat.scan.ParameterLocation.QUERY;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import java.net.URI;
import java.util.List;

/** Endpoints and finding lookups the check tests share. */
final class CheckEndpoints {

  private CheckEndpoints() {}

  /** A GET with one query parameter at {@code value}, as an OpenAPI document would give it. */
  static Endpoint query(URI base, String path, String name, String value) {
    return new Endpoint("GET", base, path, List.of(Parameter.of(name, QUERY, value)), null, "openapi");
  }

  /** The title of the first finding on the endpoint ending in {@code path}, or "(not found)". */
  static String titleOf(List<Finding> findings, String path) {
    return findings.stream().filter(f -> f.endpoint().endsWith(path)).findFirst().map(Finding::title).orElse("(not found)");
  }
}
