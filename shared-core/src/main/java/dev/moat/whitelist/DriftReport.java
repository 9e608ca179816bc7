package dev.moat.whitelist;

import java.util.List;

/**
 * The result of checking observed executions against a whitelist.
 *
 * @param image the image the whitelist is bound to
 * @param checked how many executions were checked (those of other images are skipped and counted apart)
 * @param skipped executions that belong to another image
 * @param drifts every execution not in the whitelist, in the order observed
 */
public record DriftReport(Whitelist.ImageInfo image, int checked, int skipped, List<Drift> drifts) {

  public DriftReport {
    drifts = List.copyOf(drifts);
  }

  public boolean drifted() {
    return !drifts.isEmpty();
  }

  /** Why an execution is drift. */
  public enum Reason {
    /** The path is not in the whitelist. */
    UNKNOWN_PATH,
    /** The path is listed but the observed hash differs: the file was replaced or modified. */
    HASH_MISMATCH
  }

  /** One execution not in the whitelist; {@code expectedSha256} is the listed hash for a mismatch, else null. */
  public record Drift(ObservedExecution execution, Reason reason, String expectedSha256) {}
}
