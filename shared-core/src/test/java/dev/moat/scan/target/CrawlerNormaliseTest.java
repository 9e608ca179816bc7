package dev.moat.scan.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CrawlerNormaliseTest {

  @Test
  void normalisingDropsFragmentsAndDefaultPortsAndLowerCasesSchemeAndHost() {
    assertThat(Crawler.normalise(URI.create("HTTP://Example.COM:80?a=1#top"))).isEqualTo(URI.create("http://example.com/?a=1"));
    assertThat(Crawler.normalise(URI.create("https://h:443/p#x"))).isEqualTo(URI.create("https://h/p"));
    assertThat(Crawler.normalise(URI.create("http://h:8080/p"))).isEqualTo(URI.create("http://h:8080/p"));
  }

  @Test
  void nonHttpUrlsAreNotCrawled() {
    assertThat(Crawler.normalise(URI.create("mailto:a@b.c"))).isNull();
    assertThat(Crawler.normalise(URI.create("ftp://h/file"))).isNull();
    assertThat(Crawler.normalise(URI.create("/relative"))).isNull();
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new CrawlLimits(1, 0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(CrawlLimits.defaults().withDepth(0).maxDepth()).isZero();
  }
}
