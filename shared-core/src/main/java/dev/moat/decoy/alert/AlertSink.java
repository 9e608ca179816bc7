package dev.moat.decoy.alert;

import java.io.IOException;

/** One place alerts go. {@link #deliver} returns only once the sink has accepted the alert; it throws to be retried. */
public interface AlertSink extends AutoCloseable {

  /** A short stable name for metrics and progress files: {@code stdout}, {@code webhook-1}. */
  String name();

  void deliver(SpooledAlert alert) throws IOException;

  @Override
  default void close() {}
}
