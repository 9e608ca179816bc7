package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.stage.StageResult;
import dev.moat.stage.VerifyRequest;
import dev.moat.stage.VerifyStage;
import hudson.Extension;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * {@code moatVerify image: '…', publicKeyCredentialsIds: 'release-pub'}: fails the build unless {@code threshold}
 * of the keys signed exactly this digest; returns the outputs (IMAGE_DIGEST, SIGNERS, …).
 */
public final class MoatVerifyStep extends Step {

  private final String image;
  private String keys;
  private String publicKeyCredentialsIds;
  private int threshold = 1;
  private String annotations;
  private String registryCredentialsId;

  @DataBoundConstructor
  public MoatVerifyStep(String image) {
    this.image = image;
  }

  public String getImage() {
    return image;
  }

  public String getKeys() {
    return keys;
  }

  /** PEM public keys inline, or references the controller can read (paths, env://VAR, pkcs11: URIs). */
  @DataBoundSetter
  public void setKeys(String keys) {
    this.keys = keys;
  }

  public String getPublicKeyCredentialsIds() {
    return publicKeyCredentialsIds;
  }

  /** Ids of secret file or secret text credentials holding public keys, separated by commas or newlines. */
  @DataBoundSetter
  public void setPublicKeyCredentialsIds(String publicKeyCredentialsIds) {
    this.publicKeyCredentialsIds = publicKeyCredentialsIds;
  }

  public int getThreshold() {
    return threshold;
  }

  @DataBoundSetter
  public void setThreshold(int threshold) {
    this.threshold = threshold;
  }

  public String getAnnotations() {
    return annotations;
  }

  /** Signed annotations a signature must carry to count, {@code key=value} items separated by commas or newlines. */
  @DataBoundSetter
  public void setAnnotations(String annotations) {
    this.annotations = annotations;
  }

  public String getRegistryCredentialsId() {
    return registryCredentialsId;
  }

  @DataBoundSetter
  public void setRegistryCredentialsId(String registryCredentialsId) {
    this.registryCredentialsId = registryCredentialsId;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  /** Key references from inline keys and from credentials, each credential's key written to a key file. */
  static List<String> keyReferences(StageInputs in, String keys, String credentialsIds) throws IOException {
    List<String> refs = new ArrayList<>();
    if (keys != null) {
      refs.addAll(in.keys().references(keys));
    }
    if (credentialsIds != null) {
      for (String id : credentialsIds.split("[,\\s]+")) {
        if (!id.isBlank()) {
          refs.add(in.credentials().keyFile(id, in.keys()));
        }
      }
    }
    return refs;
  }

  static final class Execution extends MoatStageExecution {

    private static final long serialVersionUID = 1L;

    private final transient MoatVerifyStep step;

    Execution(StepContext context, MoatVerifyStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return "verify";
    }

    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      List<String> refs = keyReferences(in, step.keys, step.publicKeyCredentialsIds);
      if (refs.isEmpty()) {
        throw new hudson.AbortException("give 'keys' or 'publicKeyCredentialsIds'");
      }
      Map<String, String> p = new HashMap<>();
      p.put("image", step.image);
      p.put("keys", String.join("\n", refs));
      p.put("threshold", String.valueOf(step.threshold));
      p.put("annotations", step.annotations);
      VerifyRequest r = VerifyRequest.fromParameters(p);
      r = r.withRegistry(r.registry().withCredentials(in.registryCredentials(r.image(), step.registryCredentialsId)));
      return new VerifyStage().run(r, in.context(null), in.stageListener());
    }
  }

  @Extension
  @Symbol("moatVerify")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatVerify";
    }

    @Override
    public String getDisplayName() {
      return "Verify a container image's signatures with Moat";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String registryCredentialsId) {
      return CredentialChoices.usernamePasswords(item, registryCredentialsId);
    }
  }
}
