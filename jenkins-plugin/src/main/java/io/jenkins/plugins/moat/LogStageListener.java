package io.jenkins.plugins.moat;

import dev.moat.stage.StageListener;
import hudson.model.TaskListener;
import java.io.PrintStream;

/** Routes a stage's events to the build log. */
final class LogStageListener implements StageListener {

  private final PrintStream log;
  private final boolean verbose;

  LogStageListener(TaskListener listener, boolean verbose) {
    this.log = listener.getLogger();
    this.verbose = verbose;
  }

  @Override
  public void info(String message) {
    log.println("[moat] " + message);
  }

  @Override
  public void warn(String message) {
    log.println("[moat] warning: " + message);
  }

  @Override
  public void detail(String message) {
    if (verbose) {
      log.println("[moat] " + message);
    }
  }
}
