package dev.moat.testing.vulnapp;

/**
 * A group of the vulnerable app's endpoints (one vulnerability class, or a few): registers handlers, their
 * OpenAPI operations, crawlable links and ground truth with {@link AppRoutes}.
 */
public interface VulnerableRoutes {
  void register(AppRoutes routes);
}
