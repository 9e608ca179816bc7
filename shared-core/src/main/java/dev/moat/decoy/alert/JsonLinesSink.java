package dev.moat.decoy.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** A sink that writes each alert as one JSON line to a stream (standard output); subclasses say how a line looks. */
abstract class JsonLinesSink implements AlertSink {

  private final String name;
  private final OutputStream out;

  JsonLinesSink(String name, OutputStream out) {
    this.name = Objects.requireNonNull(name, "name");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** The alert as one line of JSON, without the newline. */
  abstract String line(SpooledAlert alert);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void deliver(SpooledAlert alert) throws IOException {
    deliverSome(List.of(alert));
  }

  /** Every alert of the batch in one write and one flush: a stream takes all of it or fails. */
  @Override
  public final int deliverSome(List<SpooledAlert> alerts) throws IOException {
    StringBuilder lines = new StringBuilder(alerts.size() * 768);
    for (SpooledAlert alert : alerts) {
      lines.append(line(alert)).append('\n');
    }
    byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      out.write(bytes);
      out.flush();
    }
    return alerts.size();
  }
}
