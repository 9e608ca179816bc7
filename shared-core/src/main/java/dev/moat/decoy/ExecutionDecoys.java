package dev.moat.decoy;

import java.util.List;

/**
 * The code-execution, file-read and command-execution decoys: Jenkins script console, Spring Boot actuator,
 * a traversable download endpoint, a ping page, Log4Shell and Struts2 OGNL bait.
 */
final class ExecutionDecoys {

  private ExecutionDecoys() {}

  static List<Object> all() {
    return List.of();
  }
}
