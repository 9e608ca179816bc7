package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.image.EnvironmentCredentials;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import dev.moat.testing.TokenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer-token flow against the real docker-registry in token mode: anonymous pull, credentials for push
 * (from environment variables and from docker's config.json), and a refused password.
 */
class TokenAuthTest {

  @Test
  void bearerFlowWithAnonymousPullAndCredentialedPush(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    try (TokenServer tokens = new TokenServer(Files.createDirectories(dir.resolve("token")), "ci-bot", "t0ken-pass", true);
        LocalRegistry registry = LocalRegistry.plainWithTokenAuth(tokens)) {
      Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "token"));
      TestImages.sh(dir, "skopeo", "copy", "-q", "--dest-tls-verify=false", "--dest-creds", "ci-bot:t0ken-pass",
          "oci:" + layout + ":v1", "docker://" + registry.host() + "/secure/app:v1");
      MoatProcess.generateKeys(dir, "k");
      String image = registry.host() + "/secure/app:v1";

      MoatProcess.Result anonymousSign = MoatProcess.run(Map.of(), dir, List.of("sign", image, "--key", "k.key"));
      assertThat(anonymousSign.exitCode()).as("anonymous users may pull but not push: " + anonymousSign.all()).isEqualTo(4);

      String prefix = EnvironmentCredentials.variablePrefix(registry.host());
      MoatProcess.Result sign = MoatProcess.run(Map.of(prefix + "USERNAME", "ci-bot", prefix + "PASSWORD", "t0ken-pass"), dir,
          List.of("sign", image, "--key", "k.key"));
      assertThat(sign.exitCode()).as(sign.all()).isZero();
      assertThat(sign.all()).doesNotContain("t0ken-pass");

      MoatProcess.Result anonymousVerify = MoatProcess.run(Map.of(), dir, List.of("verify", image, "--key", "k.pub"));
      assertThat(anonymousVerify.exitCode()).as(anonymousVerify.all()).isZero();

      Path dockerConfig = Files.createDirectories(dir.resolve("docker"));
      Files.writeString(dockerConfig.resolve("config.json"), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\""
          + Base64.getEncoder().encodeToString("ci-bot:t0ken-pass".getBytes()) + "\"}}}");
      MoatProcess.Result viaConfig = MoatProcess.run(Map.of("DOCKER_CONFIG", dockerConfig.toString()), dir,
          List.of("sign", image, "--key", "k.key", "--signature-layout", "legacy"));
      assertThat(viaConfig.exitCode()).as(viaConfig.all()).isZero();

      MoatProcess.Result wrong = MoatProcess.run(Map.of(prefix + "USERNAME", "ci-bot", prefix + "PASSWORD", "nope"), dir,
          List.of("sign", image, "--key", "k.key"));
      assertThat(wrong.exitCode()).as(wrong.all()).isEqualTo(4);
      assertThat(wrong.stderr()).contains("refused").doesNotContain("nope");
      assertThat(tokens.tokensIssued()).isGreaterThan(3);
    }
  }
}
