package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.stage.SignRequest;
import dev.moat.stage.SignStage;
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

/** {@code moatSign image: '…', keyCredentialsId: '…'}: signs an image by digest; returns the outputs (IMAGE_DIGEST, KEY_ID, …). */
public final class MoatSignStep extends Step {

  private final String image;
  private String keyCredentialsId;
  private String passphraseCredentialsId;
  private String registryCredentialsId;
  private String annotations;
  private boolean recursive;
  private String signatureLayout;

  @DataBoundConstructor
  public MoatSignStep(String image) {
    this.image = image;
  }

  public String getImage() {
    return image;
  }

  public String getKeyCredentialsId() {
    return keyCredentialsId;
  }

  @DataBoundSetter
  public void setKeyCredentialsId(String keyCredentialsId) {
    this.keyCredentialsId = keyCredentialsId;
  }

  public String getPassphraseCredentialsId() {
    return passphraseCredentialsId;
  }

  @DataBoundSetter
  public void setPassphraseCredentialsId(String passphraseCredentialsId) {
    this.passphraseCredentialsId = passphraseCredentialsId;
  }

  public String getRegistryCredentialsId() {
    return registryCredentialsId;
  }

  @DataBoundSetter
  public void setRegistryCredentialsId(String registryCredentialsId) {
    this.registryCredentialsId = registryCredentialsId;
  }

  public String getAnnotations() {
    return annotations;
  }

  @DataBoundSetter
  public void setAnnotations(String annotations) {
    this.annotations = annotations;
  }

  public boolean isRecursive() {
    return recursive;
  }

  /** For a multi-platform image, also sign the image of every platform. */
  @DataBoundSetter
  public void setRecursive(boolean recursive) {
    this.recursive = recursive;
  }

  public String getSignatureLayout() {
    return signatureLayout;
  }

  @DataBoundSetter
  public void setSignatureLayout(String signatureLayout) {
    this.signatureLayout = signatureLayout;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  static final class Execution extends MoatStageExecution {

    private static final long serialVersionUID = 1L;

    private final transient MoatSignStep step;

    Execution(StepContext context, MoatSignStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return "sign";
    }

    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      Map<String, String> p = new HashMap<>();
      p.put("image", step.image);
      p.put("key", in.credentials().keyFile(require(step.keyCredentialsId, "keyCredentialsId"), in.keys()));
      p.put("annotations", step.annotations);
      p.put("recursive", String.valueOf(step.recursive));
      p.put("signature-layout", step.signatureLayout);
      SignRequest r = SignRequest.fromParameters(p);
      r = r.withRegistry(r.registry().withCredentials(in.registryCredentials(r.image(), step.registryCredentialsId)));
      return new SignStage().run(r, in.context(step.passphraseCredentialsId), in.stageListener());
    }
  }

  @Extension
  @Symbol("moatSign")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatSign";
    }

    @Override
    public String getDisplayName() {
      return "Sign a container image with Moat";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class);
    }

    @POST
    public ListBoxModel doFillKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String keyCredentialsId) {
      return CredentialChoices.keys(item, keyCredentialsId);
    }

    @POST
    public ListBoxModel doFillPassphraseCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String passphraseCredentialsId) {
      return CredentialChoices.secretTexts(item, passphraseCredentialsId);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
      return CredentialChoices.usernamePasswords(item, registryCredentialsId);
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
