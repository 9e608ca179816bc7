package dev.moat.image;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from environment variables: {@code MOAT_REGISTRY_<HOST>_USERNAME} and {@code
 * _PASSWORD} for one registry ({@code <HOST>} upper-cased, every character that is not a letter or digit
 * replaced by {@code _}: {@code MOAT_REGISTRY_GHCR_IO_USERNAME}), else {@code MOAT_REGISTRY_USERNAME} and
 * {@code MOAT_REGISTRY_PASSWORD} for every registry.
 */
public final class EnvironmentCredentials implements RegistryCredentials {

  private final Map<String, String> env;

  public EnvironmentCredentials(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static String variablePrefix(String registry) {
    return "MOAT_REGISTRY_" + registry.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
  }

  @Override
  public Optional<Credential> find(String registry) {
    Optional<Credential> specific = read(variablePrefix(registry));
    return specific.isPresent() ? specific : read("MOAT_REGISTRY_");
  }

  private Optional<Credential> read(String prefix) {
    String user = env.get(prefix + "USERNAME");
    String password = env.get(prefix + "PASSWORD");
    if (user == null || user.isEmpty() || password == null) {
      return Optional.empty();
    }
    return Optional.of(new Credential(user, password));
  }
}
