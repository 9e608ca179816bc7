package dev.moat.whitelist;

import dev.moat.MoatException;
import java.nio.file.Path;
import java.util.List;

/** Checks observed executions against a whitelist. */
public final class DriftChecker {

  /** Reads Falco JSON events, Tetragon JSON export events, or a plain list of paths (with optional sha256). */
  public static List<ObservedExecution> readEvents(Path file) throws MoatException {
    throw new UnsupportedOperationException("contract only: built on the whitelist-export branch");
  }

  public DriftReport check(Whitelist whitelist, List<ObservedExecution> executions) {
    throw new UnsupportedOperationException("contract only: built on the whitelist-export branch");
  }

  /** The report as JSON (documented in docs/whitelist.md). */
  public static byte[] json(DriftReport report) {
    throw new UnsupportedOperationException("contract only: built on the whitelist-export branch");
  }

  /** The report as SARIF 2.1.0, one result per drift. */
  public static byte[] sarif(DriftReport report) {
    throw new UnsupportedOperationException("contract only: built on the whitelist-export branch");
  }
}
