package io.jenkins.plugins.moat;

import dev.moat.stage.StageResult;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;

/** The Moat stages a build ran, one row each (stage, image, digest, signers, verdict); one action per build. */
public final class MoatResultAction implements RunAction2 {

  /** One stage run. Plain fields, so the build.xml stays readable. */
  public static final class Row {
    private final String stage;
    private final String image;
    private final String digest;
    private final String signers;
    private final boolean passed;
    private final String message;

    Row(String stage, String image, String digest, String signers, boolean passed, String message) {
      this.stage = stage;
      this.image = image;
      this.digest = digest;
      this.signers = signers;
      this.passed = passed;
      this.message = message;
    }

    public String getStage() {
      return stage;
    }

    public String getImage() {
      return image;
    }

    public String getDigest() {
      return digest;
    }

    public String getSigners() {
      return signers;
    }

    public boolean isPassed() {
      return passed;
    }

    public String getMessage() {
      return message;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private transient Run<?, ?> run;

  /** The build's action, added on first use. */
  static synchronized MoatResultAction of(Run<?, ?> run) {
    MoatResultAction action = run.getAction(MoatResultAction.class);
    if (action == null) {
      action = new MoatResultAction();
      run.addAction(action);
    }
    return action;
  }

  void add(String stage, StageResult result) throws java.io.IOException {
    Map<String, String> outputs = result.outputs();
    String signers = outputs.containsKey("SIGNERS") ? outputs.get("SIGNERS") : outputs.getOrDefault("KEY_ID", "");
    synchronized (this) {
      rows.add(new Row(stage, outputs.getOrDefault("IMAGE_URL", ""), outputs.getOrDefault("IMAGE_DIGEST", ""), signers,
          result.passed(), result.message()));
    }
    if (run != null) {
      run.save();
    }
  }

  public synchronized List<Row> getRows() {
    return List.copyOf(rows);
  }

  public Run<?, ?> getRun() {
    return run;
  }

  @Override
  public void onAttached(Run<?, ?> r) {
    this.run = r;
  }

  @Override
  public void onLoad(Run<?, ?> r) {
    this.run = r;
  }

  @Override
  public String getIconFileName() {
    return "clipboard.png";
  }

  @Override
  public String getDisplayName() {
    return "Moat";
  }

  @Override
  public String getUrlName() {
    return "moat";
  }
}
