package io.jenkins.plugins.moat;

import dev.moat.stage.StageResult;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;

/**
 * The Moat stages a build ran, one row each (stage, image or decoys, digest, signers, verdict); one action per build.
 * Decoy deployments and removals are rows of their own kind, named by their decoys rather than an image.
 */
public final class MoatResultAction implements RunAction2 {

  /** One stage run. Plain fields, so the build.xml stays readable. */
  public static final class Row {
    private final String stage;
    private final String image;
    private final String digest;
    private final String signers;
    private final boolean passed;
    private final String message;
    /** What the stage was about, for decoy stages ("payments-cache as Service payments-cache.prod:6379"); null for image stages. */
    private final String decoys;

    Row(String stage, String image, String digest, String signers, boolean passed, String message, String decoys) {
      this.stage = stage;
      this.image = image;
      this.digest = digest;
      this.signers = signers;
      this.passed = passed;
      this.message = message;
      this.decoys = decoys;
    }

    /** Whether this row is a decoy deployment or removal (not an image stage). */
    public boolean isDecoyStage() {
      return decoys != null;
    }

    /** The image for an image stage, the decoys for a decoy stage. */
    public String getSubject() {
      return decoys != null ? decoys : image;
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
          result.passed(), result.message(), decoys(stage, outputs)));
    }
    if (run != null) {
      run.save();
    }
  }

  /** The decoys a decoy stage touched (deploy: names and the first Service; remove: the names removed); null for other stages. */
  static String decoys(String stage, Map<String, String> outputs) {
    if (!stage.endsWith("decoys")) {
      return null;
    }
    if (outputs.containsKey("REMOVED")) {
      String removed = outputs.get("REMOVED");
      return removed.isEmpty() ? "none removed" : removed.replace(",", ", ");
    }
    String names = outputs.getOrDefault("DECOYS", outputs.getOrDefault("DECOY_NAME", ""));
    String service = outputs.get("SERVICE");
    return "1".equals(outputs.get("DECOY_COUNT")) && service != null
        ? names + " as Service " + service + ":" + outputs.getOrDefault("PORT", "")
        : names.replace(",", ", ");
  }

  /** The summary's headline: "2 image stage(s), 1 decoy deployment(s)", each kind counted on its own. */
  public synchronized String getSummaryLine() {
    long deployments = rows.stream().filter(r -> r.isDecoyStage() && !r.getStage().startsWith("remove")).count();
    long removals = rows.stream().filter(r -> r.isDecoyStage() && r.getStage().startsWith("remove")).count();
    long images = rows.size() - deployments - removals;
    List<String> parts = new ArrayList<>();
    if (images > 0 || rows.isEmpty()) {
      parts.add(images + " image stage(s)");
    }
    if (deployments > 0) {
      parts.add(deployments + " decoy deployment(s)");
    }
    if (removals > 0) {
      parts.add(removals + " decoy removal(s)");
    }
    return String.join(", ", parts);
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
