package dev.moat.scan.engine;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Evidence;
import dev.moat.scan.Finding;
import dev.moat.scan.OutOfBandListener;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanReport;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs checks against one target: every check on every endpoint, and each check once on the target itself, as
 * concurrent tasks over one {@link HttpScanClient}. Baselines are sent once per endpoint and shared; findings are
 * de-duplicated by (type, endpoint, parameter), the most certain kept. A check that fails on one endpoint (a
 * timeout, a refused connection) costs only that task: the failure becomes a note in the report.
 */
public final class ScanEngine {

  private static final int EXCERPT = 4000;
  private static final int MAX_NOTES = 50;

  private final List<Check> checks;
  private final ScanSettings settings;
  private final OutOfBandListener outOfBand;
  private final ScanListener listener;
  private final Clock clock;

  public ScanEngine(List<Check> checks, ScanSettings settings, OutOfBandListener outOfBand, ScanListener listener, Clock clock) {
    this.checks = List.copyOf(checks);
    this.settings = settings;
    this.outOfBand = outOfBand;
    this.listener = listener;
    this.clock = clock;
  }

  /** Scans {@code endpoints} of {@code target} (the base URL) with {@code client}. */
  public ScanReport scan(URI target, List<Endpoint> endpoints, HttpScanClient client) throws InterruptedException {
    Instant started = clock.instant();
    long before = client.requestsSent();
    Run run = new Run(client);
    List<Runnable> tasks = new ArrayList<>();
    // Checks that wait on the target's clock go first (see Check.waits): a vulnerable blind endpoint holds its task
    // for seconds, and started last it would be the scan's tail.
    List<Check> ordered = new ArrayList<>(checks);
    ordered.sort(java.util.Comparator.comparing(c -> !c.waits()));
    for (Check check : ordered) {
      tasks.add(() -> run.guard(check, target.toString(), () -> check.scanTarget(target, run)));
    }
    for (Check check : ordered) {
      for (Endpoint endpoint : endpoints) {
        if (check.waits()) {
          tasks.add(() -> run.guard(check, endpoint.method() + " " + endpoint.displayUrl(), () -> check.scan(endpoint, run)));
        }
      }
    }
    for (Endpoint endpoint : endpoints) {
      for (Check check : ordered) {
        if (!check.waits()) {
          tasks.add(() -> run.guard(check, endpoint.method() + " " + endpoint.displayUrl(), () -> check.scan(endpoint, run)));
        }
      }
    }
    // More tasks than requests in flight: checks spend time waiting (out-of-band hits, time-based delays) without
    // sending, and the client's own cap still bounds what reaches the target.
    int threads = Math.max(1, Math.min(tasks.size(), client.settings().concurrency() * 4));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "moat-scan-check");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable task : tasks) {
        futures.add(pool.submit(() -> {
          task.run();
          listener.progress(done.incrementAndGet(), tasks.size(), client.requestsSent());
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          run.note("internal error: " + e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> notes = new ArrayList<>(run.notes.keySet());
    run.notes.forEach((note, count) -> {
      if (count > 1) {
        notes.set(notes.indexOf(note), note + " (" + count + " times)");
      }
    });
    if (run.droppedNotes.get() > 0) {
      notes.add(run.droppedNotes.get() + " more note(s) not listed");
    }
    return new ScanReport(target.toString(), "moat", started, clock.instant(), client.requestsSent() - before, endpoints,
        List.copyOf(run.findings.values()), notes);
  }

  /** A task body that may fail on I/O. */
  private interface Task {
    void run() throws IOException, InterruptedException;
  }

  /** One scan's shared state: the check context every task sees. */
  private final class Run implements CheckContext {

    private final HttpScanClient client;
    private final Map<String, CompletableFuture<ScanResponse>> baselines = new ConcurrentHashMap<>();
    private final Map<String, Finding> findings = new ConcurrentHashMap<>();
    private final Markers markers = new Markers();
    private final Map<String, Integer> notes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger droppedNotes = new AtomicInteger();

    Run(HttpScanClient client) {
      this.client = client;
    }

    void guard(Check check, String where, Task task) {
      try {
        task.run();
      } catch (OutOfScopeException e) {
        note(check.type().id() + " on " + where + ": " + e.getMessage());
      } catch (IOException e) {
        note(check.type().id() + " on " + where + ": " + describe(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        note(check.type().id() + " on " + where + ": internal error " + e);
      }
    }

    private String describe(IOException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return client.settings().authentication().mask(message);
    }

    @Override
    public void note(String note) {
      synchronized (notes) {
        if (notes.containsKey(note) || notes.size() < MAX_NOTES) {
          notes.merge(note, 1, Integer::sum);
        } else {
          droppedNotes.incrementAndGet();
        }
      }
    }

    @Override
    public ScanClient client() {
      return client;
    }

    @Override
    public ScanResponse baseline(Endpoint endpoint) throws IOException, InterruptedException {
      CompletableFuture<ScanResponse> mine = new CompletableFuture<>();
      CompletableFuture<ScanResponse> existing = baselines.putIfAbsent(endpoint.key(), mine);
      if (existing == null) {
        try {
          mine.complete(client.send(endpoint.baseline()));
        } catch (IOException | RuntimeException e) {
          mine.completeExceptionally(e);
        }
        existing = mine;
      }
      try {
        return existing.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IOException("baseline of " + endpoint.key() + " failed: " + e.getCause(), e.getCause());
      }
    }

    @Override
    public OutOfBandListener outOfBand() {
      return outOfBand;
    }

    @Override
    public String marker() {
      return markers.next();
    }

    @Override
    public ScanSettings settings() {
      return settings;
    }

    @Override
    public Evidence evidence(ScanRequest request, ScanResponse response) {
      Authentication auth = client.settings().authentication();
      return new Evidence(auth.mask(withAuth(request).toText(EXCERPT)), response == null ? "" : auth.mask(response.toText(EXCERPT)));
    }

    /** The request as sent, auth headers included, so the evidence shows (masked) that it was authenticated. */
    private ScanRequest withAuth(ScanRequest request) {
      ScanRequest shown = request;
      for (Map.Entry<String, String> h : client.settings().authentication().headers().entrySet()) {
        if (shown.header(h.getKey()) == null) {
          shown = shown.withHeader(h.getKey(), h.getValue());
        }
      }
      return shown;
    }

    @Override
    public void report(Finding finding) {
      Finding kept = findings.merge(finding.dedupeKey(), finding, (a, b) -> better(b, a) ? b : a);
      if (kept == finding) {
        listener.finding(finding);
      }
    }

    private boolean better(Finding candidate, Finding current) {
      if (candidate.confidence() != current.confidence()) {
        return candidate.confidence().ordinal() < current.confidence().ordinal();
      }
      return candidate.severity().ordinal() < current.severity().ordinal();
    }
  }
}
