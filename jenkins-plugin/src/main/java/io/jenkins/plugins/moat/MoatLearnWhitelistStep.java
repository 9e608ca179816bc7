package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.stage.LearnWhitelistRequest;
import dev.moat.stage.LearnWhitelistStage;
import dev.moat.stage.StageResult;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code moatLearnWhitelist image: '…'}: learns the image's executables into a whitelist, exports the chosen
 * enforcers' policies, writes both into the workspace and archives them with the build; optionally attaches
 * the whitelist to the image signed with a key credential. Returns the outputs (IMAGE_DIGEST,
 * WHITELIST_DIGEST, ENTRY_COUNT, …).
 */
public final class MoatLearnWhitelistStep extends Step {

  private final String image;
  private String output = "whitelist.json";
  private String policiesDir = "policies";
  private String formats = "all";
  private String selector;
  private String namespace;
  private String repository;
  private String platform;
  private String maxLayerSize;
  private boolean attach;
  private String keyCredentialsId;
  private String passphraseCredentialsId;
  private String registryCredentialsId;
  private String signatureLayout;
  private boolean archive = true;

  @DataBoundConstructor
  public MoatLearnWhitelistStep(String image) {
    this.image = image;
  }

  public String getImage() {
    return image;
  }

  public String getOutput() {
    return output;
  }

  @DataBoundSetter
  public void setOutput(String output) {
    this.output = output;
  }

  public String getPoliciesDir() {
    return policiesDir;
  }

  @DataBoundSetter
  public void setPoliciesDir(String policiesDir) {
    this.policiesDir = policiesDir;
  }

  public String getFormats() {
    return formats;
  }

  @DataBoundSetter
  public void setFormats(String formats) {
    this.formats = formats;
  }

  public String getSelector() {
    return selector;
  }

  @DataBoundSetter
  public void setSelector(String selector) {
    this.selector = selector;
  }

  public String getNamespace() {
    return namespace;
  }

  @DataBoundSetter
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getRepository() {
    return repository;
  }

  /** The repository the image will run from, when it is learned from elsewhere (an OCI layout before the push). */
  @DataBoundSetter
  public void setRepository(String repository) {
    this.repository = repository;
  }

  public String getPlatform() {
    return platform;
  }

  @DataBoundSetter
  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public String getMaxLayerSize() {
    return maxLayerSize;
  }

  @DataBoundSetter
  public void setMaxLayerSize(String maxLayerSize) {
    this.maxLayerSize = maxLayerSize;
  }

  public boolean isAttach() {
    return attach;
  }

  @DataBoundSetter
  public void setAttach(boolean attach) {
    this.attach = attach;
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

  public String getSignatureLayout() {
    return signatureLayout;
  }

  @DataBoundSetter
  public void setSignatureLayout(String signatureLayout) {
    this.signatureLayout = signatureLayout;
  }

  public boolean isArchive() {
    return archive;
  }

  @DataBoundSetter
  public void setArchive(boolean archive) {
    this.archive = archive;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  static final class Execution extends MoatStageExecution {

    private static final long serialVersionUID = 1L;

    private final transient MoatLearnWhitelistStep step;

    Execution(StepContext context, MoatLearnWhitelistStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return "learn whitelist";
    }

    /**
     * The stage runs in the controller's JVM: it writes to a temporary directory there, and the files are then
     * copied into the workspace (which may be on an agent) and into the build's artifacts.
     */
    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      String outputName = relative(step.output, "output");
      String policiesName = relative(step.policiesDir, "policiesDir");
      Map<String, String> p = new HashMap<>();
      p.put("image", step.image);
      p.put("formats", step.formats);
      p.put("selector", step.selector);
      p.put("namespace", step.namespace);
      p.put("repository", step.repository);
      p.put("platform", step.platform);
      p.put("max-layer-size", step.maxLayerSize);
      p.put("attach", Boolean.toString(step.attach));
      p.put("signature-layout", step.signatureLayout);
      if (step.attach) {
        p.put("key", in.credentials().keyFile(require(step.keyCredentialsId, "keyCredentialsId"), in.keys()));
      }
      Path temp = Files.createTempDirectory("moat-whitelist-");
      try {
        LearnWhitelistRequest r = LearnWhitelistRequest.fromParameters(p)
            .withOutput(temp.resolve("out").resolve(outputName), temp.resolve("out").resolve(policiesName));
        r = r.withRegistry(r.registry().withCredentials(in.registryCredentials(r.image(), step.registryCredentialsId)));
        StageResult result = new LearnWhitelistStage().run(r, in.context(step.passphraseCredentialsId), in.stageListener());
        publish(temp.resolve("out"), result, in.listener(), step.archive);
        return result;
      } finally {
        hudson.Util.deleteRecursive(temp.toFile());
      }
    }
  }

  @Extension
  @Symbol("moatLearnWhitelist")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatLearnWhitelist";
    }

    @Override
    public String getDisplayName() {
      return "Learn a container image's executables into a whitelist with Moat";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class, FilePath.class);
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
