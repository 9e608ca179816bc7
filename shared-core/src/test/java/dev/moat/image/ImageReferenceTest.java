package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.moat.Failure;
import dev.moat.MoatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  @ParameterizedTest
  @CsvSource({
    "alpine, docker.io, library/alpine, latest",
    "alpine:3.19, docker.io, library/alpine, 3.19",
    "team/app, docker.io, team/app, latest",
    "docker.io/alpine, docker.io, library/alpine, latest",
    "index.docker.io/library/alpine:edge, docker.io, library/alpine, edge",
    "localhost/app, localhost, app, latest",
    "localhost:5000/a/b/c:v1, localhost:5000, a/b/c, v1",
    "127.0.0.1:5000/team/app:1.0, 127.0.0.1:5000, team/app, 1.0",
    "ghcr.io/owner/repo-name_x.y:tag_1.2-3, ghcr.io, owner/repo-name_x.y, tag_1.2-3",
    "Registry/app, Registry, app, latest",
  })
  void normalisesLikeDocker(String text, String registry, String repository, String tag) throws MoatException {
    ImageReference ref = ImageReference.parse(text);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.digest()).isNull();
  }

  @Test
  void digestPinsWithoutDefaultTag() throws MoatException {
    String hex = "a".repeat(64);
    ImageReference ref = ImageReference.parse("app@sha256:" + hex);
    assertThat(ref.tag()).isNull();
    assertThat(ref.manifestReference()).isEqualTo("sha256:" + hex);
    ImageReference both = ImageReference.parse("example.com/app:1@sha256:" + hex);
    assertThat(both.tag()).isEqualTo("1");
    assertThat(both.manifestReference()).as("the digest wins").isEqualTo("sha256:" + hex);
    assertThat(both.toString()).isEqualTo("example.com/app:1@sha256:" + hex);
  }

  @Test
  void dockerHubApiHostIsRegistryOne() throws MoatException {
    assertThat(ImageReference.parse("alpine").apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(ImageReference.parse("alpine").repositoryName()).isEqualTo("docker.io/library/alpine");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER/App", "app:", "app:-tag", "app@sha256:abc", "app@md5:" + "0123456789abcdef0123456789abcdef", "a//b",
      "app/", "example.com/", "app:tag with space", "-app"})
  void rejectsMalformedReferencesAsInvalidInput(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOfSatisfying(MoatException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
          assertThat(e.getMessage()).contains("'" + text + "'");
          assertThat(e.hint()).isNotEmpty();
        });
  }
}
