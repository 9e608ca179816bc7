package dev.moat.decoy.alert;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.Alert;
import dev.moat.decoy.AlertPublisher;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Where decoys publish alerts: noise control, then the spool (a bounded append, never a wait on a sink), then one
 * delivery thread per sink that reads the spool from its own stored position and retries with capped exponential
 * backoff until the sink accepts. At-least-once: an alert is acknowledged for a sink only after the sink took it, so
 * a crash may deliver the last few again (same {@link SpooledAlert#id()}), never lose them. {@link #close()} closes
 * the noise windows, syncs the spool and gives the sinks {@code drainTimeout} to catch up; what is left stays
 * spooled for the next start.
 */
public final class AlertPipeline implements AlertPublisher, AutoCloseable {

  private static final Pattern SINK_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int BATCH = 64;

  private final AlertSpool spool;
  private final List<AlertSink> sinks;
  private final NoiseFilter noise;
  private final PrometheusMetrics metrics;
  private final MetricsEndpoint endpoint;
  private final Consumer<String> warnings;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration drainTimeout;
  private final long ackNanos;
  private final ScheduledExecutorService timer;
  private final List<Thread> workers = new ArrayList<>();
  private final AlertIds ids = new AlertIds();
  private final CountDownLatch abort = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean closed;

  private AlertPipeline(Builder b) throws MoatException {
    this.spool = AlertSpool.open(b.spool, b.segmentBytes, b.spoolMaxBytes);
    this.sinks = List.copyOf(b.sinks);
    this.noise = new NoiseFilter(b.dedupeWindow, b.dedupeMaxKeys);
    this.metrics = b.metrics;
    this.warnings = b.warnings;
    this.clock = b.clock;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.drainTimeout = b.drainTimeout;
    this.ackNanos = Math.max(1, b.syncInterval.toNanos());
    metrics.spoolBytes(spool::bytes);
    for (AlertSink sink : sinks) {
      metrics.sinkConfigured(sink.name());
      spool.register(sink.name());
    }
    try {
      this.endpoint = b.metricsPort == null ? null : MetricsEndpoint.start(metrics, b.metricsBind, b.metricsPort);
    } catch (MoatException e) {
      spool.close();
      throw e;
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "moat-alert-timer"));
    long syncMillis = Math.max(1, b.syncInterval.toMillis());
    timer.scheduleWithFixedDelay(this::tick, syncMillis, syncMillis, TimeUnit.MILLISECONDS);
    for (AlertSink sink : sinks) {
      Thread t = daemon(() -> deliverLoop(sink), "moat-alert-" + sink.name());
      workers.add(t);
      t.start();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds the pipeline the CLI's options describe; alerts for stdout go to {@code stdout}. */
  public static AlertPipeline fromOptions(AlertOptions options, OutputStream stdout, String hostname, Consumer<String> warnings)
      throws MoatException {
    return fromOptions(options, stdout, hostname, warnings, List.of());
  }

  /** As {@link #fromOptions(AlertOptions, OutputStream, String, Consumer)}, with sinks the caller built (Kubernetes Events). */
  public static AlertPipeline fromOptions(AlertOptions options, OutputStream stdout, String hostname, Consumer<String> warnings,
      List<AlertSink> extraSinks) throws MoatException {
    Builder b = builder().spool(options.spool()).dedupeWindow(options.dedupeWindow()).spoolMaxBytes(options.spoolMaxBytes())
        .warnings(warnings);
    if (options.stdout() == AlertOptions.StdoutFormat.FALCO) {
      b.sink(new FalcoJsonSink("stdout", stdout, hostname));
    } else if (options.stdout() == AlertOptions.StdoutFormat.OPENCANARY) {
      b.sink(new OpenCanaryJsonSink("stdout", stdout, hostname));
    }
    int i = 1;
    for (AlertOptions.WebhookTarget w : options.webhooks()) {
      b.sink(new WebhookSink("webhook-" + i++, w.url(), w.format()));
    }
    extraSinks.forEach(b::sink);
    if (options.metricsPort() != null) {
      b.metricsEndpoint(options.metricsBind(), options.metricsPort());
    }
    return b.build();
  }

  @Override
  public void publish(Alert alert) {
    metrics.alertRaised(alert);
    if (closed) {
      warnings.accept("alert " + alert.action() + " from " + alert.sourceIp() + " arrived after the alert pipeline closed; not spooled");
      return;
    }
    for (Alert a : noise.offer(alert)) {
      spoolOne(a);
    }
  }

  public PrometheusMetrics metrics() {
    return metrics;
  }

  /** The port /metrics is served on, or -1 when it is not served. */
  public int metricsPort() {
    return endpoint == null ? -1 : endpoint.port();
  }

  public long spoolBytes() {
    return spool.bytes();
  }

  private void spoolOne(Alert alert) {
    try {
      long dropped = spool.append(new SpooledAlert(ids.next(), alert));
      if (dropped > 0) {
        metrics.alertsDropped(dropped);
        warnings.accept("alert spool full: dropped its oldest segment with " + dropped + " undelivered alert(s); a sink is down or slow");
      }
    } catch (IOException | RuntimeException e) {
      metrics.alertsDropped(1);
      warnings.accept("cannot spool alert " + alert.action() + " from " + alert.sourceIp() + ": " + e.getMessage());
    }
  }

  private void tick() {
    try {
      noise.expire(clock.instant()).forEach(this::spoolOne);
      spool.sync();
    } catch (IOException | RuntimeException e) {
      warnings.accept("alert spool sync failed: " + e.getMessage());
    }
  }

  private void deliverLoop(AlertSink sink) {
    AlertSpool.Position pos = spool.register(sink.name());
    AlertSpool.Position acked = pos;
    long ackedAt = System.nanoTime();
    long backoff = initialBackoff.toMillis();
    boolean failing = false;
    try {
      while (abort.getCount() > 0) {
        boolean finishing = stopping; // read before the spool, so an append made before close() set it is still seen
        long seen = spool.appendCount();
        List<AlertSpool.Entry> batch;
        try {
          batch = spool.read(pos, BATCH);
        } catch (IOException e) {
          warnings.accept("cannot read the alert spool for " + sink.name() + ": " + e.getMessage());
          abort.await(maxBackoff.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        if (batch.isEmpty()) {
          // caught up: store progress when the interval is up (or when stopping), else wait for an append until it is
          long untilAck = ackNanos - (System.nanoTime() - ackedAt);
          if (!pos.equals(acked) && (finishing || untilAck <= 0)) {
            acknowledge(sink, pos);
            acked = pos;
            ackedAt = System.nanoTime();
          }
          if (finishing) {
            return;
          }
          spool.awaitAppend(seen, pos.equals(acked) ? 100 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(untilAck)));
          continue;
        }
        for (int i = 0; i < batch.size(); ) {
          if (abort.getCount() == 0) {
            return;
          }
          List<SpooledAlert> rest = new ArrayList<>(batch.size() - i);
          for (AlertSpool.Entry entry : batch.subList(i, batch.size())) {
            rest.add(entry.alert());
          }
          try {
            int accepted = sink.deliverSome(rest);
            if (accepted < 1) {
              throw new IOException("the sink took none of " + rest.size() + " alert(s)"); // retried: never skip an alert
            }
            i += Math.min(accepted, rest.size());
            pos = batch.get(i - 1).next();
            if (failing) {
              warnings.accept("alert sink " + sink.name() + " accepts alerts again");
              failing = false;
            }
            backoff = initialBackoff.toMillis();
          } catch (Exception e) {
            metrics.deliveryFailed(sink.name());
            if (!failing) {
              warnings.accept("alert sink " + sink.name() + " failed (" + e.getMessage() + "); retrying with backoff, alerts stay spooled");
              failing = true;
            }
            if (abort.await(backoff, TimeUnit.MILLISECONDS)) {
              return;
            }
            backoff = Math.min(backoff * 2, maxBackoff.toMillis());
          }
        }
        // Progress is stored durably on the group-commit interval, not per batch: under a stream of single alerts a
        // per-batch fsync bounded delivery to a few hundred alerts a second. A crash re-delivers at most one
        // interval's alerts (at least once; receivers dedupe by alert id).
        if (System.nanoTime() - ackedAt >= ackNanos) {
          acknowledge(sink, pos);
          acked = pos;
          ackedAt = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acknowledge(AlertSink sink, AlertSpool.Position pos) {
    try {
      spool.acknowledge(sink.name(), pos);
    } catch (IOException e) {
      warnings.accept("cannot store delivery progress for " + sink.name() + ": " + e.getMessage());
    }
  }

  /** Closes noise windows (their summaries are spooled), syncs, lets sinks drain for the drain timeout, then stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    noise.drain().forEach(this::spoolOne);
    try {
      spool.sync();
    } catch (IOException e) {
      warnings.accept("alert spool sync failed: " + e.getMessage());
    }
    stopping = true;
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    try {
      for (Thread t : workers) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left > 0) {
          t.join(left);
        }
      }
      abort.countDown();
      for (Thread t : workers) {
        t.interrupt();
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sinks.forEach(AlertSink::close);
    if (endpoint != null) {
      endpoint.close();
    }
    spool.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Settings for {@link AlertPipeline}; only the spool directory is required. */
  public static final class Builder {
    private Path spool;
    private final List<AlertSink> sinks = new ArrayList<>();
    private Duration dedupeWindow = Duration.ofSeconds(60);
    private int dedupeMaxKeys = 10_000;
    private long segmentBytes = 4L << 20;
    private long spoolMaxBytes = 256L << 20;
    private Duration syncInterval = Duration.ofMillis(100);
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration drainTimeout = Duration.ofSeconds(5);
    private PrometheusMetrics metrics = new PrometheusMetrics();
    private String metricsBind = "127.0.0.1";
    private Integer metricsPort;
    private Consumer<String> warnings = w -> {};
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder spool(Path dir) {
      this.spool = dir;
      return this;
    }

    public Builder sink(AlertSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** Identical alerts within this window are counted on one (see {@link NoiseFilter}); zero turns it off. */
    public Builder dedupeWindow(Duration window) {
      this.dedupeWindow = window;
      return this;
    }

    public Builder dedupeMaxKeys(int max) {
      this.dedupeMaxKeys = max;
      return this;
    }

    public Builder spoolSegmentBytes(long bytes) {
      this.segmentBytes = bytes;
      return this;
    }

    public Builder spoolMaxBytes(long bytes) {
      this.spoolMaxBytes = bytes;
      return this;
    }

    /** Group commit: how often spooled alerts are forced to the disk (and noise windows are closed). */
    public Builder syncInterval(Duration interval) {
      this.syncInterval = interval;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = timeout;
      return this;
    }

    public Builder metrics(PrometheusMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Serves /metrics on {@code bind:port}; the CLI's default bind is 127.0.0.1. */
    public Builder metricsEndpoint(String bind, int port) {
      this.metricsBind = Objects.requireNonNull(bind, "bind");
      this.metricsPort = port;
      return this;
    }

    /** Receives one line per noteworthy event (a sink failing and recovering, drops); the CLI prints them on stderr. */
    public Builder warnings(Consumer<String> warnings) {
      this.warnings = Objects.requireNonNull(warnings, "warnings");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public AlertPipeline build() throws MoatException {
      if (spool == null) {
        throw new MoatException(Failure.INVALID_INPUT, "the alert pipeline has no spool directory", "give --spool DIR");
      }
      Set<String> names = new HashSet<>();
      for (AlertSink s : sinks) {
        if (!SINK_NAME.matcher(s.name()).matches() || !names.add(s.name())) {
          throw new MoatException(Failure.INVALID_INPUT, "alert sink name '" + s.name() + "' is not unique or not [A-Za-z0-9._-]",
              "give every sink its own short name");
        }
      }
      if (dedupeWindow == null || dedupeWindow.isNegative()) {
        throw new MoatException(Failure.INVALID_INPUT, "--dedupe-window must not be negative", "give e.g. 60s, or 0 to turn it off");
      }
      return new AlertPipeline(this);
    }
  }
}
