package dev.moat.stage;

import dev.moat.image.Credential;
import dev.moat.image.RegistryCredentials;
import dev.moat.image.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * How a stage reaches registries: hosts allowed over plain HTTP, extra CA files, and credentials given
 * explicitly (the Jenkins step's username/password credentials); environment variables and docker's
 * config.json are consulted after those.
 */
public record RegistrySettings(List<String> insecureRegistries, List<Path> caFiles, Map<String, Credential> credentials) {

  public RegistrySettings {
    insecureRegistries = List.copyOf(insecureRegistries);
    caFiles = List.copyOf(caFiles);
    credentials = Map.copyOf(credentials);
  }

  public static RegistrySettings defaults() {
    return new RegistrySettings(List.of(), List.of(), Map.of());
  }

  /** From the parameters {@code insecure-registries} and {@code registry-ca}. */
  public static RegistrySettings from(Parameters parameters) {
    return new RegistrySettings(parameters.list("insecure-registries"), parameters.list("registry-ca").stream().map(Path::of).toList(), Map.of());
  }

  public RegistrySettings withCredentials(Map<String, Credential> explicit) {
    return new RegistrySettings(insecureRegistries, caFiles, explicit);
  }

  RegistryOptions toOptions(Map<String, String> env) {
    return new RegistryOptions(new HashSet<>(insecureRegistries), caFiles, RegistryCredentials.standard(credentials, env), 5, Duration.ofMillis(200));
  }
}
