package dev.moat.scan.engine;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a byte cap and stops reading there (the exchange is cancelled, so an endless
 * body costs at most the cap); {@link #abort} stops it early, for a body that drips past the deadline.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Body> {

  /** The bytes read and whether the body went on past them. */
  record Body(byte[] bytes, boolean truncated) {}

  private final int cap;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<Body> result = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  BoundedBody(int cap) {
    this.cap = cap;
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (result.isDone()) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    synchronized (bytes) {
      for (ByteBuffer b : buffers) {
        int room = cap - bytes.size();
        int n = Math.min(room, b.remaining());
        byte[] chunk = new byte[n];
        b.get(chunk);
        bytes.write(chunk, 0, n);
        if (b.hasRemaining()) {
          finish(true);
          return;
        }
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    synchronized (bytes) {
      result.complete(new Body(bytes.toByteArray(), false));
    }
  }

  /** Ends the body with what was read so far, marked truncated. */
  void abort() {
    synchronized (bytes) {
      finish(true);
    }
  }

  private void finish(boolean truncated) {
    if (result.complete(new Body(bytes.toByteArray(), truncated))) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
