package io.jenkins.plugins.moat;

import dev.moat.MoatException;
import dev.moat.scan.Severity;
import dev.moat.signing.key.PassphraseSource;
import dev.moat.stage.ScanApiRequest;
import dev.moat.stage.ScanApiStage;
import dev.moat.stage.StageContext;
import dev.moat.stage.StageResult;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
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
 * {@code moatApiScan target: '…', openapi: '…'}: scans a service or API, writes the reports (JSON, SARIF, JUnit,
 * HTML, Markdown) into the workspace and archives them; the build FAILS on a finding at {@code failOn} or worse
 * and turns UNSTABLE on one at {@code unstableOn} or worse. Credentials come from Jenkins credentials and reach
 * the scan only through its environment. Returns the outputs (FINDINGS, CRITICAL, HIGH, …).
 */
public final class MoatApiScanStep extends Step {

  private final String target;
  private String openapi;
  private boolean crawl;
  private String scope;
  private String checks;
  private String failOn = "high";
  private String unstableOn = "low";
  private String reportDir = "moat-scan";
  private String formats = "all";
  private String concurrency;
  private String rps;
  private String timeout;
  private String tokenCredentialsId;
  private String basicCredentialsId;
  private String apiKeyHeader = "X-API-Key";
  private String apiKeyCredentialsId;
  private String cookieCredentialsId;
  private boolean archive = true;

  @DataBoundConstructor
  public MoatApiScanStep(String target) {
    this.target = target;
  }

  public String getTarget() {
    return target;
  }

  public String getOpenapi() {
    return openapi;
  }

  /** An OpenAPI 3 / Swagger 2 document: a URL, or a path relative to the workspace. */
  @DataBoundSetter
  public void setOpenapi(String openapi) {
    this.openapi = openapi;
  }

  public boolean isCrawl() {
    return crawl;
  }

  @DataBoundSetter
  public void setCrawl(boolean crawl) {
    this.crawl = crawl;
  }

  public String getScope() {
    return scope;
  }

  @DataBoundSetter
  public void setScope(String scope) {
    this.scope = scope;
  }

  public String getChecks() {
    return checks;
  }

  @DataBoundSetter
  public void setChecks(String checks) {
    this.checks = checks;
  }

  public String getFailOn() {
    return failOn;
  }

  @DataBoundSetter
  public void setFailOn(String failOn) {
    this.failOn = failOn;
  }

  public String getUnstableOn() {
    return unstableOn;
  }

  @DataBoundSetter
  public void setUnstableOn(String unstableOn) {
    this.unstableOn = unstableOn;
  }

  public String getReportDir() {
    return reportDir;
  }

  @DataBoundSetter
  public void setReportDir(String reportDir) {
    this.reportDir = reportDir;
  }

  public String getFormats() {
    return formats;
  }

  @DataBoundSetter
  public void setFormats(String formats) {
    this.formats = formats;
  }

  public String getConcurrency() {
    return concurrency;
  }

  @DataBoundSetter
  public void setConcurrency(String concurrency) {
    this.concurrency = concurrency;
  }

  public String getRps() {
    return rps;
  }

  @DataBoundSetter
  public void setRps(String rps) {
    this.rps = rps;
  }

  public String getTimeout() {
    return timeout;
  }

  @DataBoundSetter
  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public String getTokenCredentialsId() {
    return tokenCredentialsId;
  }

  /** A secret text credential sent as {@code Authorization: Bearer}. */
  @DataBoundSetter
  public void setTokenCredentialsId(String tokenCredentialsId) {
    this.tokenCredentialsId = tokenCredentialsId;
  }

  public String getBasicCredentialsId() {
    return basicCredentialsId;
  }

  /** A username/password credential sent as basic authentication. */
  @DataBoundSetter
  public void setBasicCredentialsId(String basicCredentialsId) {
    this.basicCredentialsId = basicCredentialsId;
  }

  public String getApiKeyHeader() {
    return apiKeyHeader;
  }

  @DataBoundSetter
  public void setApiKeyHeader(String apiKeyHeader) {
    this.apiKeyHeader = apiKeyHeader;
  }

  public String getApiKeyCredentialsId() {
    return apiKeyCredentialsId;
  }

  /** A secret text credential sent in {@code apiKeyHeader}. */
  @DataBoundSetter
  public void setApiKeyCredentialsId(String apiKeyCredentialsId) {
    this.apiKeyCredentialsId = apiKeyCredentialsId;
  }

  public String getCookieCredentialsId() {
    return cookieCredentialsId;
  }

  /** A secret text credential holding a Cookie header value. */
  @DataBoundSetter
  public void setCookieCredentialsId(String cookieCredentialsId) {
    this.cookieCredentialsId = cookieCredentialsId;
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

    private final transient MoatApiScanStep step;

    Execution(StepContext context, MoatApiScanStep step) {
      super(context);
      this.step = step;
    }

    @Override
    String stage() {
      return "api scan";
    }

    /** Runs the scan in the controller's JVM into a temporary directory, then copies the reports into the workspace and the artifacts. */
    @Override
    StageResult runStage(StageInputs in) throws MoatException, IOException, InterruptedException {
      Severity unstable = severity(step.unstableOn, "unstableOn");
      Map<String, String> env = new HashMap<>(in.env());
      Map<String, String> p = new HashMap<>();
      p.put("target", require(step.target, "target"));
      p.put("crawl", Boolean.toString(step.crawl));
      p.put("scope", step.scope);
      p.put("checks", step.checks);
      p.put("fail-on", step.failOn);
      p.put("formats", step.formats);
      p.put("concurrency", step.concurrency);
      p.put("rps", step.rps);
      p.put("timeout", step.timeout);
      if (step.tokenCredentialsId != null && !step.tokenCredentialsId.isBlank()) {
        env.put("MOAT_SCAN_TOKEN", new String(in.credentials().secretText(step.tokenCredentialsId)));
        p.put("bearer-token-env", "MOAT_SCAN_TOKEN");
      }
      if (step.basicCredentialsId != null && !step.basicCredentialsId.isBlank()) {
        dev.moat.image.Credential basic = in.credentials().registry(step.basicCredentialsId);
        env.put("MOAT_SCAN_PASSWORD", basic.password());
        p.put("basic-user", basic.username());
        p.put("basic-password-env", "MOAT_SCAN_PASSWORD");
      }
      if (step.apiKeyCredentialsId != null && !step.apiKeyCredentialsId.isBlank()) {
        env.put("MOAT_SCAN_API_KEY", new String(in.credentials().secretText(step.apiKeyCredentialsId)));
        p.put("api-key-header", step.apiKeyHeader);
        p.put("api-key-env", "MOAT_SCAN_API_KEY");
      }
      if (step.cookieCredentialsId != null && !step.cookieCredentialsId.isBlank()) {
        env.put("MOAT_SCAN_COOKIE", new String(in.credentials().secretText(step.cookieCredentialsId)));
        p.put("cookie-env", "MOAT_SCAN_COOKIE");
      }
      FilePath workspace = getContext().get(FilePath.class);
      Path temp = Files.createTempDirectory("moat-scan-");
      try {
        if (step.openapi != null && !step.openapi.isBlank()) {
          p.put("openapi", openApiOnController(step.openapi.trim(), workspace, temp));
        }
        String dirName = relative(step.reportDir, "reportDir");
        p.put("report-dir", temp.resolve("out").resolve(dirName).toString());
        ScanApiRequest request = ScanApiRequest.fromParameters(p);
        StageContext context = new StageContext(env, PassphraseSource.fromEnvironment(env), Clock.systemUTC());
        StageResult result = new ScanApiStage().run(request, context, in.stageListener());
        publish(temp.resolve("out"), result, in.listener(), step.archive);
        if (result.passed() && unstable != null && atLeast(result, unstable)) {
          getContext().get(Run.class).setResult(Result.UNSTABLE);
          in.listener().getLogger().println("[moat] findings at " + unstable.id() + " or worse: build UNSTABLE");
        }
        return result;
      } finally {
        hudson.Util.deleteRecursive(temp.toFile());
      }
    }

    /** A URL is passed on; a workspace file (perhaps on an agent) is copied to the controller first. */
    private static String openApiOnController(String openapi, FilePath workspace, Path temp) throws IOException, InterruptedException {
      if (openapi.startsWith("http://") || openapi.startsWith("https://")) {
        return openapi;
      }
      return workspaceFileOnController(openapi, "openapi", workspace, temp);
    }

    private static boolean atLeast(StageResult result, Severity threshold) {
      for (Severity s : Severity.values()) {
        if (s.atLeast(threshold) && Integer.parseInt(result.outputs().getOrDefault(s.name(), "0")) > 0) {
          return true;
        }
      }
      return false;
    }

    private static Severity severity(String value, String name) throws AbortException {
      if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
        return null;
      }
      Severity s = Severity.parse(value);
      if (s == null) {
        throw new AbortException("'" + name + "' is '" + value + "': give critical, high, medium, low, info or none");
      }
      return s;
    }
  }

  @Extension
  @Symbol("moatApiScan")
  public static final class DescriptorImpl extends StepDescriptor {

    @Override
    public String getFunctionName() {
      return "moatApiScan";
    }

    @Override
    public String getDisplayName() {
      return "Scan a service or API for vulnerabilities with Moat";
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
      return Set.of(Run.class, TaskListener.class, FilePath.class);
    }

    @POST
    public ListBoxModel doFillTokenCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String tokenCredentialsId) {
      return CredentialChoices.secretTexts(item, tokenCredentialsId);
    }

    @POST
    public ListBoxModel doFillBasicCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String basicCredentialsId) {
      return CredentialChoices.usernamePasswords(item, basicCredentialsId);
    }

    @POST
    public ListBoxModel doFillApiKeyCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String apiKeyCredentialsId) {
      return CredentialChoices.secretTexts(item, apiKeyCredentialsId);
    }

    @POST
    public ListBoxModel doFillCookieCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String cookieCredentialsId) {
      return CredentialChoices.secretTexts(item, cookieCredentialsId);
    }

    public ListBoxModel doFillFailOnItems() {
      return severities();
    }

    public ListBoxModel doFillUnstableOnItems() {
      return severities();
    }

    private static ListBoxModel severities() {
      ListBoxModel model = new ListBoxModel();
      for (String s : new String[] {"critical", "high", "medium", "low", "info", "none"}) {
        model.add(s);
      }
      return model;
    }
  }
}
