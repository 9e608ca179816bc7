package dev.moat.scan.engine;

import dev.moat.scan.Finding;

/** What the engine reports while it scans; the CLI and the wrappers turn these into log lines. */
public interface ScanListener {

  /** A new finding, or a surer one replacing its duplicate. */
  default void finding(Finding finding) {}

  /** {@code done} of {@code total} check tasks finished, {@code requests} sent so far. */
  default void progress(int done, int total, long requests) {}

  ScanListener NONE = new ScanListener() {};
}
