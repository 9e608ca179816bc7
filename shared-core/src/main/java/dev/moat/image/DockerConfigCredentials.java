package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Credentials from docker's {@code config.json}: {@code auths} entries ({@code auth} as base64 user:password,
 * or {@code username}/{@code password}, or {@code identitytoken}), per-registry {@code credHelpers} and the
 * default {@code credsStore}, run as {@code docker-credential-<name> get} exactly as docker does.
 */
public final class DockerConfigCredentials implements RegistryCredentials {

  private static final List<String> HUB_KEYS =
      List.of("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io");

  private final Path file;

  public DockerConfigCredentials(Path file) {
    this.file = file;
  }

  /** {@code REGISTRY_AUTH_FILE}, else {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
  public static DockerConfigCredentials fromEnvironment(Map<String, String> env) {
    String authFile = env.get("REGISTRY_AUTH_FILE");
    if (authFile != null && !authFile.isEmpty()) {
      return new DockerConfigCredentials(Path.of(authFile));
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isEmpty()) {
      return new DockerConfigCredentials(Path.of(dockerConfig, "config.json"));
    }
    return new DockerConfigCredentials(Path.of(System.getProperty("user.home"), ".docker", "config.json"));
  }

  @Override
  public Optional<Credential> find(String registry) throws MoatException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode config;
    try {
      config = Json.tree(Files.readAllBytes(file), "docker config " + file);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read docker config " + file + ": " + e.getMessage(), "");
    } catch (MoatException e) {
      throw new MoatException(Failure.INVALID_INPUT, e.getMessage(), "fix or remove " + file);
    }
    List<String> keys = keysFor(registry);
    for (String key : keys) {
      String helper = config.path("credHelpers").path(key).asText("");
      if (!helper.isEmpty()) {
        return runHelper(helper, key);
      }
    }
    JsonNode auths = config.path("auths");
    for (String key : keys) {
      JsonNode entry = auths.get(key);
      if (entry == null) {
        entry = auths.get("https://" + key);
      }
      if (entry != null) {
        Optional<Credential> fromEntry = fromAuthEntry(entry, key);
        if (fromEntry.isPresent()) {
          return fromEntry;
        }
      }
    }
    String store = config.path("credsStore").asText("");
    if (!store.isEmpty()) {
      for (String key : keys) {
        Optional<Credential> stored = runHelper(store, key);
        if (stored.isPresent()) {
          return stored;
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> keysFor(String registry) {
    return ImageReference.DOCKER_HUB.equals(registry) ? HUB_KEYS : List.of(registry);
  }

  private Optional<Credential> fromAuthEntry(JsonNode entry, String key) throws MoatException {
    String token = entry.path("identitytoken").asText("");
    if (!token.isEmpty()) {
      return Optional.of(new Credential("<token>", token));
    }
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new MoatException(Failure.INVALID_INPUT, "the auth entry for " + key + " in " + file + " is not base64", "log in again");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new MoatException(Failure.INVALID_INPUT, "the auth entry for " + key + " in " + file + " is not user:password", "log in again");
      }
      return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String user = entry.path("username").asText("");
    if (!user.isEmpty()) {
      return Optional.of(new Credential(user, entry.path("password").asText("")));
    }
    return Optional.empty();
  }

  private Optional<Credential> runHelper(String helper, String serverUrl) throws MoatException {
    String program = "docker-credential-" + helper;
    try {
      Process process = new ProcessBuilder(program, "get").redirectErrorStream(false).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new MoatException(Failure.UNREACHABLE, program + " did not answer in 30 s", "check the credential helper");
      }
      if (process.exitValue() != 0) {
        return Optional.empty();
      }
      JsonNode answer = Json.tree(out, program + "'s answer");
      String user = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Credential(user.isEmpty() ? "<token>" : user, secret));
    } catch (IOException e) {
      throw new MoatException(
          Failure.UNREACHABLE,
          file + " names the credential helper " + program + ", which cannot be run (" + e.getMessage() + ")",
          "install " + program + " or remove it from " + file);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.UNREACHABLE, "interrupted while running " + program, "");
    }
  }
}
