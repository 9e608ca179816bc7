package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.kube.ClusterAccess;
import dev.moat.stage.DeployDecoysRequest;
import dev.moat.stage.DeployDecoysStage;
import dev.moat.stage.RemoveDecoysRequest;
import dev.moat.stage.RemoveDecoysStage;
import dev.moat.stage.StageResult;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
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
 * {@code moatDeployDecoys decoy: 'redis', name: 'payments-cache', namespace: 'prod'}: deploys decoys to Kubernetes
 * (one, or a decoys.yaml from the workspace), or with {@code action: 'remove'} removes them. The cluster comes from a
 * kubeconfig credential, else from the node: the file KUBECONFIG names there (e.g. from {@code withCredentials}),
 * else the ServiceAccount of the agent's pod. Never from the controller's own configuration. Returns the outputs
 * (DECOY_NAME, SERVICE, PORT, DECOYS, DECOY_COUNT; REMOVED, REMOVED_COUNT, DELETED_OBJECTS).
 */
public final class MoatDeployDecoysStep extends Step {

  /** Where a pod's ServiceAccount credentials are mounted. */
  static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";

  private String action = "deploy";
  private String config;
  private String decoy;
  private String name;
  private String namespace = "default";
  private String service;
  private String port;
  private String replicas;
  private String labels;
  private String decoyImage;
  private String alertEgress;
  private boolean kubernetesEvents;
  private boolean dryRun;
  private boolean ignoreMissing;
  private String kubeconfigCredentialsId;

  @DataBoundConstructor
  public MoatDeployDecoysStep() {}

  public String getAction() {
    return action;
  }

  /** {@code deploy} (the default) or {@code remove}. */
  @DataBoundSetter
  public void setAction(String action) {
    this.action = action;
  }

  public String getConfig() {
    return config;
  }

  /** A decoys.yaml in the workspace: every decoy in it. */
  @DataBoundSetter
  public void setConfig(String config) {
    this.config = config;
  }

  public String getDecoy() {
    return decoy;
  }

  /** The decoy type to deploy. */
  @DataBoundSetter
  public void setDecoy(String decoy) {
    this.decoy = decoy;
  }

  public String getName() {
    return name;
  }

  /** The decoy's name; for remove, one or more names separated by commas or newlines. */
  @DataBoundSetter
  public void setName(String name) {
    this.name = name;
  }

  public String getNamespace() {
    return namespace;
  }

  @DataBoundSetter
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getService() {
    return service;
  }

  @DataBoundSetter
  public void setService(String service) {
    this.service = service;
  }

  public String getPort() {
    return port;
  }

  @DataBoundSetter
  public void setPort(String port) {
    this.port = port;
  }

  public String getReplicas() {
    return replicas;
  }

  @DataBoundSetter
  public void setReplicas(String replicas) {
    this.replicas = replicas;
  }

  public String getLabels() {
    return labels;
  }

  @DataBoundSetter
  public void setLabels(String labels) {
    this.labels = labels;
  }

  public String getDecoyImage() {
    return decoyImage;
  }

  @DataBoundSetter
  public void setDecoyImage(String decoyImage) {
    this.decoyImage = decoyImage;
  }

  public String getAlertEgress() {
    return alertEgress;
  }

  @DataBoundSetter
  public void setAlertEgress(String alertEgress) {
    this.alertEgress = alertEgress;
  }

  public boolean isKubernetesEvents() {
    return kubernetesEvents;
  }

  @DataBoundSetter
  public void setKubernetesEvents(boolean kubernetesEvents) {
    this.kubernetesEvents = kubernetesEvents;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  @DataBoundSetter
  public void setDryRun(boolean dryRun) {
    this.dryRun = dryRun;
  }

  public boolean isIgnoreMissing() {
    return ignoreMissing;
  }

  @DataBoundSetter
  public void setIgnoreMissing(boolean ignoreMissing) {
    this.ignoreMissing = ignoreMissing;
  }

  public String getKubeconfigCredentialsId() {
    return kubeconfigCredentialsId;
  }

  /** A secret file or secret text credential holding a kubeconfig. */
  @DataBoundSetter
  public void setKubeconfigCredentialsId(String kubeconfigCredentialsId) {
    this.kubeconfigCredentialsId = kubeconfigCredentialsId;
  }

  @Override
  public StepExecution start(StepContext context) {
    return new Execution(context, this);
  }

  static final class Execution extends MoatStageExecution {

    private static final long serialVersionUID = 1L;

    private final transient MoatDeployDecoysStep step;

    Execution(StepContext context, MoatDeployDecoysStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return removing() ? "remove decoys" : "deploy decoys";
    }

    private boolean removing() {
      return "remove".equals(step.action == null ? "" : step.action.trim());
    }

    /** The stage runs in the controller's JVM; only the decoys.yaml and the node's cluster credentials are read from the node. */
    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      String action = step.action == null || step.action.isBlank() ? "deploy" : step.action.trim();
      if (!action.equals("deploy") && !action.equals("remove")) {
        throw new AbortException("'action' is '" + step.action + "': give deploy or remove");
      }
      FilePath workspace = getContext().get(FilePath.class);
      Path temp = Files.createTempDirectory("moat-decoys-");
      try {
        Map<String, String> p = new HashMap<>();
        p.put("name", step.name);
        p.put("namespace", step.namespace);
        if (step.config != null && !step.config.isBlank()) {
          p.put("config", workspaceFileOnController(step.config.trim(), "config", workspace, temp));
        }
        // A dry run renders only: it needs no cluster, and its client is never asked for.
        Supplier<KubernetesClient> cluster = step.dryRun && !removing()
            ? () -> { throw new IllegalStateException("a dry run uses no cluster"); }
            : cluster(in, workspace)::client;
        if (removing()) {
          if (step.decoy != null && !step.decoy.isBlank()) {
            throw new AbortException("'decoy' is for deploy: name the decoys to remove in 'name'");
          }
          p.put("ignore-missing", Boolean.toString(step.ignoreMissing));
          return new RemoveDecoysStage(cluster).run(RemoveDecoysRequest.fromParameters(p), in.stageListener());
        }
        p.put("type", step.decoy);
        p.put("service", step.service);
        p.put("port", step.port);
        p.put("replicas", step.replicas);
        p.put("labels", step.labels);
        p.put("image", step.decoyImage);
        p.put("alert-egress", step.alertEgress);
        p.put("kubernetes-events", Boolean.toString(step.kubernetesEvents));
        p.put("dry-run", Boolean.toString(step.dryRun));
        StageResult result = new DeployDecoysStage(cluster).run(DeployDecoysRequest.fromParameters(p), in.stageListener());
        if (step.dryRun) {
          in.listener().getLogger().print(result.outputs().getOrDefault("MANIFESTS", ""));
        }
        return result;
      } finally {
        hudson.Util.deleteRecursive(temp.toFile());
      }
    }

    /**
     * The kubeconfig credential; else, on the node, the file KUBECONFIG names; else the node's pod ServiceAccount
     * (KUBERNETES_SERVICE_HOST set and a token mounted). The controller's own configuration is never used: a job
     * must not borrow the controller's cluster rights.
     */
    private ClusterAccess cluster(StageInputs in, FilePath workspace) throws IOException, InterruptedException, MoatException {
      String id = step.kubeconfigCredentialsId;
      if (id != null && !id.isBlank()) {
        return ClusterAccess.fromKubeconfig("credentials '" + id + "'", new String(in.credentials().fileOrText(id), StandardCharsets.UTF_8));
      }
      String kubeconfig = in.env().get("KUBECONFIG");
      if (workspace != null && kubeconfig != null && !kubeconfig.isBlank()) {
        FilePath file = new FilePath(workspace.getChannel(), kubeconfig.split(":")[0]);
        if (!file.exists()) {
          throw new AbortException("KUBECONFIG names " + kubeconfig + ", which is not on the node");
        }
        return ClusterAccess.fromKubeconfig("the KUBECONFIG file " + file.getRemote(), file.readToString());
      }
      String host = in.env().get("KUBERNETES_SERVICE_HOST");
      if (workspace != null && host != null && !host.isBlank()) {
        FilePath token = new FilePath(workspace.getChannel(), SERVICE_ACCOUNT_DIR + "token");
        if (token.exists()) {
          FilePath ca = new FilePath(workspace.getChannel(), SERVICE_ACCOUNT_DIR + "ca.crt");
          return ClusterAccess.fromServiceAccount(host, in.env().get("KUBERNETES_SERVICE_PORT"), token.readToString(),
              ca.exists() ? ca.readToString() : null, null);
        }
      }
      throw new AbortException("no cluster credentials: set 'kubeconfigCredentialsId', or call the step inside a node where KUBECONFIG "
          + "names a kubeconfig (withCredentials) or whose pod has a ServiceAccount token");
    }
  }

  @Extension
  @Symbol("moatDeployDecoys")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatDeployDecoys";
    }

    @Override
    public String getDisplayName() {
      return "Deploy or remove Moat decoys in Kubernetes";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class);
    }

    @POST
    public ListBoxModel doFillKubeconfigCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String kubeconfigCredentialsId) {
      return CredentialChoices.keys(item, kubeconfigCredentialsId);
    }

    public ListBoxModel doFillActionItems() {
      ListBoxModel model = new ListBoxModel();
      model.add("deploy");
      model.add("remove");
      return model;
    }
  }
}
