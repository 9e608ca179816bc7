package dev.moat.decoy;

import java.util.List;

/**
 * The code-execution, file-read and command-execution decoys: Jenkins script console, Spring Boot actuator,
 * a traversable download endpoint, a ping page, Log4Shell and Struts2 OGNL bait.
 */
final class ExecutionDecoys {

  private ExecutionDecoys() {}

  static List<Object> all() {
    FakeFilesystem fs = FakeFilesystem.canned();
    return List.of(new JenkinsScriptConsoleDecoy(fs), new SpringActuatorDecoy(), new FileDownloadDecoy(fs), new PingDiagnosticsDecoy(fs),
        new Log4ShellDecoy(), new Struts2OgnlDecoy());
  }
}
