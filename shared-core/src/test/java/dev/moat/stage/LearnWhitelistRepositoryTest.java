package dev.moat.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnWhitelistRepositoryTest {

  @Test
  void repositoryIsNormalisedAsRuntimesReportIt() throws Exception {
    assertThat(LearnWhitelistRequest.repository("team/app")).isEqualTo("docker.io/team/app");
    assertThat(LearnWhitelistRequest.repository("nginx")).isEqualTo("docker.io/library/nginx");
    assertThat(LearnWhitelistRequest.repository("localhost:5000/app")).isEqualTo("localhost:5000/app");
    assertThat(LearnWhitelistRequest.repository(null)).isNull();
    assertThat(LearnWhitelistRequest.fromParameters(Map.of("image", "oci:/tmp/x:1", "repository", "registry.example.com/team/app")).repository())
        .isEqualTo("registry.example.com/team/app");
  }

  @Test
  void aRepositoryWithTagOrDigestIsRefusedNamingIt() {
    for (String bad : new String[] {"team/app:1.0", "team/app@sha256:" + "a".repeat(64), "Team/App"}) {
      assertThatThrownBy(() -> LearnWhitelistRequest.repository(bad))
          .isInstanceOfSatisfying(MoatException.class, e -> {
            assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
            assertThat(e.getMessage()).contains(bad);
          });
    }
  }
}
