package dev.moat.scan.check;

import dev.moat.MoatException;
import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.VulnerabilityClass;
import dev.moat.scan.poc.PocRunner;
import dev.moat.scan.poc.PocTemplate;
import dev.moat.scan.poc.PocTemplates;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Known vulnerabilities and exposures by PoC template ({@code scan.poc}, a subset of the Nuclei format): the
 * built-in templates and those of {@code --templates}, each run once against the target, {@value #PARALLEL} at a
 * time (the client's in-flight cap still bounds what reaches the target). A template that fails on I/O does not
 * stop the others; the failures end the check with one exception, which the engine turns into a note.
 */
public final class PocCheck implements Check {

  static final int PARALLEL = 4;
  private static final int LISTED_FAILURES = 3;

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.POC;
  }

  @Override
  public void scanTarget(URI base, CheckContext ctx) throws IOException, InterruptedException {
    List<PocTemplate> templates;
    try {
      templates = PocTemplates.load(ctx.settings().templates());
    } catch (MoatException e) {
      throw new IOException(e.oneLine(), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, templates.size())), r -> {
      Thread t = new Thread(r, "moat-scan-poc");
      t.setDaemon(true);
      return t;
    });
    List<String> failures = new ArrayList<>();
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (PocTemplate template : templates) {
        runs.add(pool.submit(() -> {
          PocRunner.run(template, base, ctx);
          return null;
        }));
      }
      for (Future<?> run : runs) {
        try {
          run.get();
        } catch (ExecutionException e) {
          failures.add(e.getCause() instanceof IOException ? e.getCause().getMessage() : "internal error " + e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (!failures.isEmpty()) {
      throw new IOException(failures.size() + " of " + templates.size() + " PoC templates failed: "
          + String.join("; ", failures.subList(0, Math.min(LISTED_FAILURES, failures.size())))
          + (failures.size() > LISTED_FAILURES ? "; …" : ""));
    }
  }
}
