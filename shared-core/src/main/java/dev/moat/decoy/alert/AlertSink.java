package dev.moat.decoy.alert;

import java.io.IOException;
import java.util.List;

/** One place alerts go. {@link #deliver} returns only once the sink has accepted the alert; it throws to be retried. */
public interface AlertSink extends AutoCloseable {

  /** A short stable name for metrics and progress files: {@code stdout}, {@code webhook-1}. */
  String name();

  void deliver(SpooledAlert alert) throws IOException;

  /**
   * Delivers the first of {@code alerts} and as many after it, in order, as the sink takes in one go; returns how
   * many it accepted (at least one) and throws, to be retried, only when it accepted none. By default one at a time;
   * a sink that can write a batch at once (a stream) overrides it.
   */
  default int deliverSome(List<SpooledAlert> alerts) throws IOException {
    int accepted = 0;
    for (SpooledAlert alert : alerts) {
      try {
        deliver(alert);
      } catch (IOException | RuntimeException e) {
        if (accepted == 0) {
          throw e;
        }
        return accepted;
      }
      accepted++;
    }
    return accepted;
  }

  @Override
  default void close() {}
}
