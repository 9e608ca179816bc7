package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.stage.StageResult;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * Runs one stage for a step, off the CPS thread: build the request, run the stage, record the result on
 * the build, and turn a failed verdict or a {@link MoatException} into a one-line {@link AbortException}.
 * The step's return value is the stage's outputs (IMAGE_DIGEST, …).
 */
abstract class MoatStageExecution extends SynchronousNonBlockingStepExecution<Map<String, String>> {

  private static final long serialVersionUID = 1L;

  MoatStageExecution(StepContext context) {
    super(context);
  }

  /** The stage's name on the build page: sign, verify, copy. */
  abstract String stage();

  abstract StageResult runStage(StageInputs inputs) throws MoatException, IOException, InterruptedException;

  @Override
  protected Map<String, String> run() throws Exception {
    Run<?, ?> run = getContext().get(Run.class);
    TaskListener listener = getContext().get(TaskListener.class);
    EnvVars env = getContext().get(EnvVars.class);
    if (env == null) {
      env = run.getEnvironment(listener);
    }
    StageResult result;
    try (KeyFiles keys = new KeyFiles()) {
      result = runStage(new StageInputs(new BuildCredentials(run), keys, env, listener));
    } catch (MoatException e) {
      throw new AbortException(e.oneLine());
    }
    MoatResultAction.of(run).add(stage(), result);
    if (!result.passed()) {
      throw new AbortException(result.message());
    }
    listener.getLogger().println("[moat] " + result.message());
    return new LinkedHashMap<>(result.outputs());
  }

  /**
   * Copies the stage's report files (written under {@code produced}) into the workspace at the same relative
   * paths and, when {@code archive}, into the build's artifacts; logs one line per file.
   */
  void publish(Path produced, StageResult result, TaskListener listener, boolean archive) throws IOException, InterruptedException {
    FilePath workspace = getContext().get(FilePath.class);
    Run<?, ?> run = getContext().get(Run.class);
    for (Path file : result.reports()) {
      String name = produced.relativize(file).toString().replace(File.separatorChar, '/');
      workspace.child(name).copyFrom(new FilePath(file.toFile()));
      if (archive) {
        Path artifact = run.getArtifactsDir().toPath().resolve(name);
        Files.createDirectories(artifact.getParent());
        Files.copy(file, artifact, StandardCopyOption.REPLACE_EXISTING);
      }
      listener.getLogger().println("[moat] " + name + (archive ? " (archived)" : ""));
    }
  }

  /**
   * Copies the workspace file {@code value} (the step argument {@code name}; perhaps on an agent) into {@code temp} on
   * the controller, where the stage runs, and returns the copy's path.
   */
  static String workspaceFileOnController(String value, String name, FilePath workspace, Path temp) throws IOException, InterruptedException {
    if (workspace == null) {
      throw new AbortException("'" + name + "' names a workspace file: call the step inside a node");
    }
    FilePath source = workspace.child(relative(value, name));
    if (!source.exists()) {
      throw new AbortException("'" + name + "' names " + value + ", which is not in the workspace");
    }
    Path copy = temp.resolve(name + "-" + source.getName());
    source.copyTo(new FilePath(copy.toFile()));
    return copy.toString();
  }

  /** A path inside the workspace: relative, without {@code ..}. */
  static String relative(String value, String name) throws AbortException {
    String v = require(value, name).trim();
    Path path = Path.of(v).normalize();
    if (path.isAbsolute() || path.startsWith("..") || path.toString().isEmpty()) {
      throw new AbortException("'" + name + "' must be a path inside the workspace, not '" + value + "'");
    }
    return path.toString();
  }

  static String require(String value, String name) throws AbortException {
    if (value == null || value.isBlank()) {
      throw new AbortException("'" + name + "' is required");
    }
    return value;
  }
}
