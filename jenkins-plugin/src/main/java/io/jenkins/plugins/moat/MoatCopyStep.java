package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.image.Credential;
import dev.moat.stage.CopyRequest;
import dev.moat.stage.CopyStage;
import dev.moat.stage.StageResult;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code moatCopy source: '…', destination: '…'}: mirrors an image; verifies the source first when verify keys
 * are named and signs the copy when a sign key is named; returns the outputs (IMAGE_DIGEST, COPIED_TAGS, …).
 */
public final class MoatCopyStep extends Step {

  private final String source;
  private final String destination;
  private String signKeyCredentialsId;
  private String passphraseCredentialsId;
  private String verifyKeyCredentialsIds;
  private int threshold = 1;
  private String verifyAnnotations;
  private boolean copySignatures;
  private boolean recursive;
  private boolean allTags;
  private String platform;
  private String signatureLayout;
  private String annotations;
  private String sourceRegistryCredentialsId;
  private String destinationRegistryCredentialsId;

  @DataBoundConstructor
  public MoatCopyStep(String source, String destination) {
    this.source = source;
    this.destination = destination;
  }

  public String getSource() {
    return source;
  }

  public String getDestination() {
    return destination;
  }

  public String getSignKeyCredentialsId() {
    return signKeyCredentialsId;
  }

  @DataBoundSetter
  public void setSignKeyCredentialsId(String signKeyCredentialsId) {
    this.signKeyCredentialsId = signKeyCredentialsId;
  }

  public String getPassphraseCredentialsId() {
    return passphraseCredentialsId;
  }

  @DataBoundSetter
  public void setPassphraseCredentialsId(String passphraseCredentialsId) {
    this.passphraseCredentialsId = passphraseCredentialsId;
  }

  public String getVerifyKeyCredentialsIds() {
    return verifyKeyCredentialsIds;
  }

  @DataBoundSetter
  public void setVerifyKeyCredentialsIds(String verifyKeyCredentialsIds) {
    this.verifyKeyCredentialsIds = verifyKeyCredentialsIds;
  }

  public int getThreshold() {
    return threshold;
  }

  @DataBoundSetter
  public void setThreshold(int threshold) {
    this.threshold = threshold;
  }

  public String getVerifyAnnotations() {
    return verifyAnnotations;
  }

  /** Signed annotations a source signature must carry to count, {@code key=value} items separated by commas or newlines. */
  @DataBoundSetter
  public void setVerifyAnnotations(String verifyAnnotations) {
    this.verifyAnnotations = verifyAnnotations;
  }

  public boolean isRecursive() {
    return recursive;
  }

  /** When signing a multi-platform copy, also sign the image of every platform. */
  @DataBoundSetter
  public void setRecursive(boolean recursive) {
    this.recursive = recursive;
  }

  public boolean isCopySignatures() {
    return copySignatures;
  }

  @DataBoundSetter
  public void setCopySignatures(boolean copySignatures) {
    this.copySignatures = copySignatures;
  }

  public boolean isAllTags() {
    return allTags;
  }

  @DataBoundSetter
  public void setAllTags(boolean allTags) {
    this.allTags = allTags;
  }

  public String getPlatform() {
    return platform;
  }

  @DataBoundSetter
  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public String getSignatureLayout() {
    return signatureLayout;
  }

  @DataBoundSetter
  public void setSignatureLayout(String signatureLayout) {
    this.signatureLayout = signatureLayout;
  }

  public String getAnnotations() {
    return annotations;
  }

  @DataBoundSetter
  public void setAnnotations(String annotations) {
    this.annotations = annotations;
  }

  public String getSourceRegistryCredentialsId() {
    return sourceRegistryCredentialsId;
  }

  @DataBoundSetter
  public void setSourceRegistryCredentialsId(String sourceRegistryCredentialsId) {
    this.sourceRegistryCredentialsId = sourceRegistryCredentialsId;
  }

  public String getDestinationRegistryCredentialsId() {
    return destinationRegistryCredentialsId;
  }

  @DataBoundSetter
  public void setDestinationRegistryCredentialsId(String destinationRegistryCredentialsId) {
    this.destinationRegistryCredentialsId = destinationRegistryCredentialsId;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  static final class Execution extends MoatStageExecution {

    private static final long serialVersionUID = 1L;

    private final transient MoatCopyStep step;

    Execution(StepContext context, MoatCopyStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return "copy";
    }

    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      Map<String, String> p = new HashMap<>();
      p.put("source", step.source);
      p.put("destination", step.destination);
      if (step.signKeyCredentialsId != null && !step.signKeyCredentialsId.isBlank()) {
        p.put("sign-key", in.credentials().keyFile(step.signKeyCredentialsId, in.keys()));
      }
      p.put("verify-keys", String.join("\n", MoatVerifyStep.keyReferences(in, null, step.verifyKeyCredentialsIds)));
      p.put("threshold", String.valueOf(step.threshold));
      p.put("verify-annotations", step.verifyAnnotations);
      p.put("copy-signatures", String.valueOf(step.copySignatures));
      p.put("recursive", String.valueOf(step.recursive));
      p.put("all-tags", String.valueOf(step.allTags));
      p.put("platform", step.platform);
      p.put("signature-layout", step.signatureLayout);
      p.put("annotations", step.annotations);
      CopyRequest r = CopyRequest.fromParameters(p);
      Map<String, Credential> credentials = new HashMap<>();
      in.addRegistryCredential(credentials, r.source(), step.sourceRegistryCredentialsId);
      in.addRegistryCredential(credentials, r.destination(), step.destinationRegistryCredentialsId);
      r = r.withRegistry(r.registry().withCredentials(credentials));
      return new CopyStage().run(r, in.context(step.passphraseCredentialsId), in.stageListener());
    }
  }

  @Extension
  @Symbol("moatCopy")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatCopy";
    }

    @Override
    public String getDisplayName() {
      return "Copy a container image with Moat (verify, then sign the copy)";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class);
    }

    @POST
    public ListBoxModel doFillSignKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String signKeyCredentialsId) {
      return CredentialChoices.keys(item, signKeyCredentialsId);
    }

    @POST
    public ListBoxModel doFillPassphraseCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String passphraseCredentialsId) {
      return CredentialChoices.secretTexts(item, passphraseCredentialsId);
    }

    @POST
    public ListBoxModel doFillSourceRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String sourceRegistryCredentialsId) {
      return CredentialChoices.usernamePasswords(item, sourceRegistryCredentialsId);
    }

    @POST
    public ListBoxModel doFillDestinationRegistryCredentialsIdItems(@AncestorInPath Item item,
        @QueryParameter String destinationRegistryCredentialsId) {
      return CredentialChoices.usernamePasswords(item, destinationRegistryCredentialsId);
    }

    public ListBoxModel doFillSignatureLayoutItems() {
      ListBoxModel model = new ListBoxModel();
      model.add("both");
      model.add("legacy");
      model.add("bundle");
      return model;
    }
  }
}
