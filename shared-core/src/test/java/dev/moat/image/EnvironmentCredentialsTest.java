package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentCredentialsTest {

  @Test
  void perRegistryVariablesWinOverTheGlobalOnes() {
    Map<String, String> env = Map.of(
        "MOAT_REGISTRY_USERNAME", "everyone", "MOAT_REGISTRY_PASSWORD", "p1",
        "MOAT_REGISTRY_GHCR_IO_USERNAME", "me", "MOAT_REGISTRY_GHCR_IO_PASSWORD", "p2");
    EnvironmentCredentials creds = new EnvironmentCredentials(env);
    assertThat(creds.find("ghcr.io")).contains(new Credential("me", "p2"));
    assertThat(creds.find("quay.io")).contains(new Credential("everyone", "p1"));
    assertThat(EnvironmentCredentials.variablePrefix("127.0.0.1:5000")).isEqualTo("MOAT_REGISTRY_127_0_0_1_5000_");
  }

  @Test
  void credentialNeverShowsThePassword() {
    assertThat(new Credential("user", "hunter2").toString()).doesNotContain("hunter2");
  }

  @Test
  void dockerConfigAuthsAndCredentialHelpers(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path helper = bin.resolve("docker-credential-moattest");
    Files.writeString(helper, "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"helper-user\\\",\\\"Secret\\\":\\\"helper-secret\\\"}\"\n");
    helper.toFile().setExecutable(true);
    String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + auth + "\"},\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}},"
        + "\"credHelpers\":{\"helped.example.com\":\"moattest\"}}");
    DockerConfigCredentials creds = new DockerConfigCredentials(config);
    assertThat(creds.find("registry.example.com")).contains(new Credential("alice", "s3cret"));
    assertThat(creds.find("docker.io")).contains(new Credential("alice", "s3cret"));
    assertThat(creds.find("other.example.com")).isEmpty();
    // The helper runs as docker runs it: docker-credential-<name> get, found on PATH.
    ProcessBuilder check = new ProcessBuilder("sh", "-c", "command -v docker-credential-moattest");
    check.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PATH").contains(bin.toString()) || runHelperThroughPath(bin, config),
        "credential helper test needs the helper on PATH");
  }

  /** Runs the lookup in a child JVM whose PATH has the helper, as a pipeline's environment would. */
  private static boolean runHelperThroughPath(Path bin, Path config) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        HelperProbe.class.getName(), config.toString());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out.trim()).isEqualTo("helper-user");
    return true;
  }

  /** Child-process entry point for the credential-helper test. */
  public static final class HelperProbe {
    public static void main(String[] args) throws Exception {
      System.out.println(new DockerConfigCredentials(Path.of(args[0])).find("helped.example.com").orElseThrow().username());
    }
  }
}
