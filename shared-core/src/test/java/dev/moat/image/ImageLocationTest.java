package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.MoatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageLocationTest {

  @Test
  void ociLayoutWithAndWithoutTag() throws MoatException {
    assertThat(ImageLocation.parse("oci:/tmp/layout:v1")).isEqualTo(new ImageLocation.Layout(Path.of("/tmp/layout"), "v1"));
    assertThat(ImageLocation.parse("oci:/tmp/layout")).isEqualTo(new ImageLocation.Layout(Path.of("/tmp/layout"), null));
    assertThat(ImageLocation.parse("oci:rel/dir:latest")).isEqualTo(new ImageLocation.Layout(Path.of("rel/dir"), "latest"));
  }

  @Test
  void dockerArchiveWithOptionalName() throws MoatException {
    assertThat(ImageLocation.parse("docker-archive:/tmp/a.tar")).isEqualTo(new ImageLocation.Archive(Path.of("/tmp/a.tar"), null));
    ImageLocation.Archive named = (ImageLocation.Archive) ImageLocation.parse("docker-archive:/tmp/a.tar:example.com/app:1");
    assertThat(named.name().toString()).isEqualTo("example.com/app:1");
  }

  @Test
  void registryWithOrWithoutDockerPrefix() throws MoatException {
    assertThat(ImageLocation.parse("docker://alpine")).isEqualTo(ImageLocation.parse("alpine"));
    assertThat(((ImageLocation.Registry) ImageLocation.parse("alpine")).reference().repository()).isEqualTo("library/alpine");
  }
}
