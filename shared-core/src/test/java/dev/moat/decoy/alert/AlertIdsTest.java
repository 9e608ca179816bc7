package dev.moat.decoy.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertIdsTest {

  @Test
  void idsAreVersionFourUuidsUniqueWithinAProcessAndDifferentAcrossProcesses() {
    AlertIds ids = new AlertIds();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = ids.next();
      UUID parsed = UUID.fromString(id);
      assertThat(parsed.version()).isEqualTo(4);
      assertThat(parsed.variant()).isEqualTo(2);
      assertThat(parsed.toString()).isEqualTo(id); // lower-case canonical form, fit for a Kubernetes Event name
      seen.add(id);
    }
    assertThat(seen).hasSize(100_000);
    assertThat(new AlertIds(1L).next()).isNotEqualTo(new AlertIds(2L).next());
    assertThat(new AlertIds().next()).isNotEqualTo(new AlertIds().next());
  }
}
