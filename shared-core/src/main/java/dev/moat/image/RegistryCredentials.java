package dev.moat.image;

import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where the credentials for a registry come from. Sources are tried in order; the first that knows the host wins. */
@FunctionalInterface
public interface RegistryCredentials {

  RegistryCredentials NONE = host -> Optional.empty();

  Optional<Credential> find(String registry) throws MoatException;

  /** Credentials given explicitly, keyed by registry host (what the Jenkins step passes from its credentials). */
  static RegistryCredentials of(Map<String, Credential> byRegistry) {
    Map<String, Credential> copy = Map.copyOf(byRegistry);
    return host -> Optional.ofNullable(copy.get(host));
  }

  static RegistryCredentials chain(RegistryCredentials... sources) {
    List<RegistryCredentials> list = new ArrayList<>(List.of(sources));
    return host -> {
      for (RegistryCredentials source : list) {
        Optional<Credential> found = source.find(host);
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    };
  }

  /** The default chain: explicit, then environment variables, then docker's config.json and credential helpers. */
  static RegistryCredentials standard(Map<String, Credential> explicit, Map<String, String> env) {
    return chain(of(explicit), new EnvironmentCredentials(env), DockerConfigCredentials.fromEnvironment(env));
  }
}
