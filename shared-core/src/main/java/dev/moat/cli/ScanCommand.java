package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.kube.KubernetesNames;
import dev.moat.scan.cluster.ScanSchedule;
import dev.moat.scan.cluster.ScanScheduler;
import dev.moat.scan.cluster.ScheduleManifests;
import dev.moat.stage.ScanApiRequest;
import dev.moat.stage.ScanClusterStage;
import dev.moat.stage.ScanApiStage;
import dev.moat.stage.StageContext;
import dev.moat.stage.StageResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code moat scan}: service and API security scanning. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Scan services and APIs for the 13 web vulnerability classes.",
    subcommands = {ScanCommand.Api.class, ScanCommand.Cluster.class, ScanCommand.Schedule.class})
final class ScanCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "api", mixinStandardHelpOptions = true,
      description = "Scan one service: its OpenAPI operations and/or crawled pages. Exit 30 when --fail-on is met; other codes as `moat --help`.")
  static final class Api implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "URL", description = "The service's base URL (http or https).")
    String target;

    @Option(names = "--openapi", paramLabel = "FILE|URL", description = "An OpenAPI 3.x or Swagger 2.0 document; a URL must be in scope.")
    String openApi;

    @Option(names = "--crawl", description = "Also crawl HTML links and forms from the target (the default without --openapi).")
    boolean crawl;

    @Mixin ScanOptionsMixin scan;
    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      Map<String, String> p = scan.parameters();
      p.put("target", target);
      if (openApi != null) {
        p.put("openapi", openApi);
      }
      if (crawl) {
        p.put("crawl", "true");
      }
      PrintWriter err = spec.commandLine().getErr();
      return outputOptions.publish(new ScanApiStage().run(ScanApiRequest.fromParameters(p), StageContext.fromProcess(), outputOptions.listener(err)),
          spec.commandLine().getOut(), err);
    }
  }

  @Command(name = "cluster", mixinStandardHelpOptions = true,
      description = "Discover a namespace's HTTP Services, find their OpenAPI documents, scan each; a report set per Service and an aggregate.")
  static final class Cluster implements Callable<Integer> {

    /** Stands in for a target until each discovered Service replaces it; never contacted. */
    static final String PLACEHOLDER_TARGET = "http://discovered-service.invalid/";

    @Spec CommandSpec spec;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace whose Services are scanned.")
    String namespace;

    @Option(names = "--all-namespaces", description = "Scan the Services of every namespace.")
    boolean allNamespaces;

    @Option(names = "--selector", paramLabel = "K=V[,K=V]", description = "Only Services with these labels.")
    String selector;

    @Option(names = "--crawl", description = "Also crawl Services that publish an OpenAPI document (those without one are always crawled).")
    boolean crawl;

    @Mixin ScanOptionsMixin scan;
    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      if ((namespace == null) == !allNamespaces) {
        throw new MoatException(Failure.INVALID_INPUT, "give exactly one of --namespace and --all-namespaces", "e.g. --namespace shop");
      }
      String ns = namespace == null ? null : KubernetesNames.label("--namespace", namespace, 63);
      Map<String, String> p = scan.parameters();
      p.put("target", PLACEHOLDER_TARGET);
      PrintWriter err = spec.commandLine().getErr();
      StageResult result = new ScanClusterStage(DecoyCommand::kubernetes, u -> u).run(ScanApiRequest.fromParameters(p), ns,
          KubernetesNames.selector("--selector", selector), crawl, StageContext.fromProcess(), outputOptions.listener(err));
      return outputOptions.publish(result, spec.commandLine().getOut(), err);
    }
  }

  @Command(name = "schedule", mixinStandardHelpOptions = true,
      description = "Render (default) or apply a Kubernetes CronJob running `moat scan cluster` on a schedule, with RBAC that only lists Services. "
          + "Arguments after -- are passed to the scan (e.g. -- --fail-on high --checks xss,sqli).")
  static final class Schedule implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--cron", required = true, paramLabel = "EXPR", description = "Five-field cron expression, e.g. \"0 3 * * *\", or @daily.")
    String cron;

    @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NS", description = "Where the CronJob and its ServiceAccount live.")
    String namespace;

    @Option(names = "--target-namespace", paramLabel = "NS", description = "The namespace scanned. Default: every namespace (cluster-wide RBAC).")
    String targetNamespace;

    @Option(names = "--selector", paramLabel = "K=V[,K=V]", description = "Only Services with these labels.")
    String selector;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the CronJob and its RBAC objects. Default: moat-scan.")
    String name;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA time zone of the schedule, e.g. Europe/Berlin.")
    String timeZone;

    @Option(names = "--image", paramLabel = "IMAGE", description = "The Moat image the pods run. Default: " + ScanSchedule.DEFAULT_IMAGE + ".")
    String image;

    @Option(names = "--reports-claim", paramLabel = "PVC", description = "A PersistentVolumeClaim the reports are written to (else an emptyDir).")
    String reportsClaim;

    @Option(names = "--apply", description = "Apply the manifests to the cluster (KUBECONFIG or in-cluster) instead of printing them.")
    boolean apply;

    @Option(names = "--remove", description = "Delete a schedule applied before (the CronJob first, then its RBAC).")
    boolean remove;

    @Parameters(paramLabel = "SCAN-ARG", arity = "0..*", description = "Arguments passed to `moat scan cluster`.")
    List<String> scanArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ScanSchedule schedule = ScanSchedule.checked(name, namespace, targetNamespace, selector, cron, timeZone, image, scanArgs, reportsClaim);
      PrintWriter out = spec.commandLine().getOut();
      if (!apply && !remove) {
        out.print(ScheduleManifests.yaml(schedule));
        out.flush();
        return 0;
      }
      try (KubernetesClient client = DecoyCommand.kubernetes()) {
        List<String> done = remove ? new ScanScheduler(client).remove(schedule) : new ScanScheduler(client).apply(schedule);
        done.forEach(line -> out.println((remove ? "removed " : "applied ") + line));
      }
      return 0;
    }
  }
}
