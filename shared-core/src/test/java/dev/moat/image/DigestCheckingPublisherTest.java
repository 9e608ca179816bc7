package dev.moat.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DigestCheckingPublisherTest {

  private static final byte[] CONTENT = "a blob split over several buffers".getBytes(StandardCharsets.UTF_8);

  /** Publishes the content in chunks, as the HTTP client does, and collects what comes out, one buffer per request. */
  private static CompletableFuture<byte[]> relay(Descriptor expected, byte[] content) {
    SubmissionPublisher<List<ByteBuffer>> upstream = new SubmissionPublisher<>();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    new DigestCheckingPublisher(upstream, expected, "test").subscribe(new Flow.Subscriber<ByteBuffer>() {
      private final ByteArrayOutputStream out = new ByteArrayOutputStream();
      private Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
      }

      @Override
      public void onNext(ByteBuffer item) {
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        out.writeBytes(bytes);
        subscription.request(1);
      }

      @Override
      public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        result.complete(out.toByteArray());
      }
    });
    for (int i = 0; i < content.length; i += 5) {
      int end = Math.min(content.length, i + 5);
      upstream.submit(List.of(ByteBuffer.wrap(content, i, Math.min(2, end - i)), ByteBuffer.wrap(content, i + Math.min(2, end - i), end - i - Math.min(2, end - i))));
    }
    upstream.close();
    return result;
  }

  @Test
  void passesEveryByteThroughWhenTheDigestMatches() throws Exception {
    byte[] out = relay(Descriptor.of("application/octet-stream", CONTENT), CONTENT).get(10, TimeUnit.SECONDS);
    assertThat(out).isEqualTo(CONTENT);
  }

  @Test
  void failsAtTheEndWhenTheBytesDoNotMatchTheDigest() {
    byte[] tampered = CONTENT.clone();
    tampered[3] ^= 1;
    CompletableFuture<byte[]> result = relay(Descriptor.of("application/octet-stream", CONTENT), tampered);
    assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingRootCause().withMessageContaining("has digest");
  }

  @Test
  void failsWhenTheBlobIsLongerThanDeclared() {
    Descriptor declared = Descriptor.of("application/octet-stream", CONTENT);
    Descriptor shorter = new Descriptor(declared.mediaType(), declared.digest(), CONTENT.length - 4);
    CompletableFuture<byte[]> result = relay(shorter, CONTENT);
    assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingRootCause().withMessageContaining("longer than");
  }
}
