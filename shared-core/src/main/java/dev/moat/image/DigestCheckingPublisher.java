package dev.moat.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Feeds the buffers of a download straight into an upload, hashing them on the way, and fails the upload
 * at the end if the bytes do not match the descriptor's digest and size — {@link VerifyingInputStream}'s
 * check without the extra copy and thread hand-off of an {@code InputStream} in between. Demand from the
 * upload is passed upstream one list of buffers at a time.
 */
final class DigestCheckingPublisher implements Flow.Publisher<ByteBuffer> {

  private final Flow.Publisher<List<ByteBuffer>> upstream;
  private final Descriptor expected;
  private final String source;

  DigestCheckingPublisher(Flow.Publisher<List<ByteBuffer>> upstream, Descriptor expected, String source) {
    this.upstream = upstream;
    this.expected = expected;
    this.source = source;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
    upstream.subscribe(new Relay(downstream));
  }

  private final class Relay implements Flow.Subscriber<List<ByteBuffer>>, Flow.Subscription {

    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private final MessageDigest sha256 = Digest.newSha256();
    private Flow.Subscription subscription;
    private long demand;
    private long count;
    private boolean upstreamAsked;
    private boolean upstreamDone;
    private Throwable failure;
    private boolean finished;
    /** Drain requests not yet served: only the thread that raised it from 0 drains, and it loops until it is 0 again. */
    private int wip;

    Relay(Flow.Subscriber<? super ByteBuffer> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      synchronized (this) {
        subscription = s;
      }
      downstream.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      drain();
    }

    @Override
    public void cancel() {
      Flow.Subscription s;
      synchronized (this) {
        finished = true;
        pending.clear();
        s = subscription;
      }
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      synchronized (this) {
        upstreamAsked = false;
        for (ByteBuffer buffer : buffers) {
          sha256.update(buffer.duplicate());
          count += buffer.remaining();
          pending.add(buffer);
        }
        if (count > expected.size()) {
          failure = new IOException(source + ": blob " + expected.digest() + " is longer than its " + expected.size() + " bytes");
          subscription.cancel();
        }
      }
      drain();
    }

    @Override
    public void onError(Throwable throwable) {
      synchronized (this) {
        failure = throwable;
        upstreamDone = true;
      }
      drain();
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        upstreamDone = true;
        Digest actual = Digest.ofHash(sha256.digest());
        if (failure == null && (count != expected.size() || !actual.equals(expected.digest()))) {
          failure = new IOException(source + ": blob " + expected.digest() + " has digest " + actual + " and " + count
              + " bytes; expected " + expected.size() + " bytes");
        }
      }
      drain();
    }

    /** Delivers what is pending against demand; asks upstream for more when it runs dry. One thread at a time. */
    private void drain() {
      synchronized (this) {
        if (wip++ > 0) {
          return;
        }
      }
      while (true) {
        ByteBuffer next = null;
        boolean complete = false;
        Throwable error = null;
        boolean askUpstream = false;
        synchronized (this) {
          if (finished) {
            return;
          }
          if (failure != null) {
            finished = true;
            error = failure;
          } else if (demand > 0 && !pending.isEmpty()) {
            demand--;
            next = pending.poll();
          } else if (pending.isEmpty() && upstreamDone) {
            finished = true;
            complete = true;
          } else if (demand > 0 && !upstreamAsked && !upstreamDone && subscription != null) {
            upstreamAsked = true;
            askUpstream = true;
          } else {
            if (--wip == 0) {
              return;
            }
            wip = 1;
            continue;
          }
        }
        if (error != null) {
          downstream.onError(error);
          return;
        }
        if (complete) {
          downstream.onComplete();
          return;
        }
        if (next != null) {
          downstream.onNext(next);
        }
        if (askUpstream) {
          subscription.request(1);
        }
      }
    }
  }
}
