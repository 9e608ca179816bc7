package dev.moat.whitelist;

import java.util.List;
import java.util.TreeSet;

/** The distinct paths the kernel executes for a whitelist, over every platform, sorted byte-wise. */
final class ExecutedPaths {

  private ExecutedPaths() {}

  static List<String> of(Whitelist whitelist) {
    TreeSet<String> paths = new TreeSet<>();
    for (WhitelistEntry entry : whitelist.allEntries()) {
      if (entry.executedPath() != null) {
        paths.add(entry.executedPath());
      }
    }
    return List.copyOf(paths);
  }
}
