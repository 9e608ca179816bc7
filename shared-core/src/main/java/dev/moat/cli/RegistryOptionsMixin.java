package dev.moat.cli;

import dev.moat.stage.RegistrySettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Registry options every image command has. Credentials come from the environment or docker's config.json. */
final class RegistryOptionsMixin {

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Allow plain HTTP to this registry (loopback registries always may). Repeatable.")
  List<String> insecure = new ArrayList<>();

  @Option(names = "--registry-ca", paramLabel = "FILE", description = "Also trust the CA certificates in this PEM file. Repeatable.")
  List<Path> caFiles = new ArrayList<>();

  RegistrySettings settings() {
    return new RegistrySettings(insecure, caFiles, Map.of());
  }
}
