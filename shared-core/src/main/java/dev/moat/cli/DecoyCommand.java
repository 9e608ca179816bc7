package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.AlertPublisher;
import dev.moat.decoy.CatalogEntry;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.decoy.alert.AlertOptions;
import dev.moat.decoy.alert.AlertPipeline;
import dev.moat.kube.ManifestApplier;
import dev.moat.stage.DeployDecoysRequest;
import dev.moat.stage.DeployDecoysStage;
import dev.moat.stage.StageResult;
import dev.moat.stage.RemoveDecoysRequest;
import dev.moat.stage.RemoveDecoysStage;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.HashMap;
import dev.moat.decoy.DecoyCatalog;
import dev.moat.decoy.DecoyConfig;
import dev.moat.decoy.DecoyServer;
import dev.moat.decoy.DecoySpec;
import dev.moat.stage.DecoyServeRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "decoy", mixinStandardHelpOptions = true,
    description = "Deception: run decoy services that alert on every touch; deploy them to Kubernetes under names and places you choose.",
    subcommands = {DecoyCommand.Serve.class, DecoyCommand.Catalog.class, DecoyCommand.Deploy.class, DecoyCommand.ListDecoys.class,
        DecoyCommand.Remove.class})
final class DecoyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve decoys until SIGTERM or SIGINT; alerts go to stdout as JSON lines.")
  static final class Serve implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--decoy", paramLabel = "TYPE[:PORT]", description = "A catalogue decoy, on its default port or PORT (0 = any free port). Repeatable.")
    List<String> decoys = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "A decoys.yaml (see docs/decoys.md).")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Address to listen on; 0.0.0.0 inside a cluster. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000", description = "Open connections over all decoys. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Close a silent connection. Default: ${DEFAULT-VALUE}.")
    int idleTimeout;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "An HTTP request must arrive in full within this time. Default: ${DEFAULT-VALUE}.")
    int requestTimeout;

    @Option(names = "--name", paramLabel = "NAME", description = "The name in alerts, for a single --decoy. Default: the type.")
    String name;

    @Option(names = "--service", paramLabel = "NAME", description = "The Kubernetes Service it is exposed as, for alerts (single --decoy).")
    String service;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Its Kubernetes namespace, for alerts (single --decoy).")
    String namespace;

    @Option(names = "--alert-stdout", paramLabel = "FORMAT", defaultValue = "falco",
        description = "Alerts on stdout as falco or opencanary JSON lines, or none. Default: ${DEFAULT-VALUE}.")
    String alertStdout;

    @Option(names = "--alert-webhook", paramLabel = "URL", description = "Also deliver alerts to this webhook (at least once). Repeatable.")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--alert-webhook-format", paramLabel = "FORMAT", defaultValue = "generic", description = "generic or slack. Default: ${DEFAULT-VALUE}.")
    String webhookFormat;

    @Option(names = "--spool", paramLabel = "DIR", description = "Where alerts wait for delivery and decoys keep their generated SSH host keys and TLS certificates. Default: $TMPDIR/moat-alert-spool.")
    Path spool;

    @Option(names = "--dedupe-window", paramLabel = "DURATION", defaultValue = "60s",
        description = "Identical alerts from one source within it are counted on one (0 = off). Default: ${DEFAULT-VALUE}.")
    String dedupeWindow;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Serve Prometheus metrics on /metrics at this port.")
    String metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = AlertOptions.DEFAULT_METRICS_BIND, description = "Default: ${DEFAULT-VALUE}.")
    String metricsBind;

    @Option(names = "--kubernetes-events",
        description = "Alerts also become Warning Events on this pod (in a cluster: needs POD_NAME and POD_NAMESPACE, as moat decoy deploy sets them).")
    boolean kubernetesEvents;

    @Override
    public Integer call() throws Exception {
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("decoys", String.join(",", decoys));
      parameters.put("config", config == null ? "" : config.toString());
      parameters.put("bind", bind);
      parameters.put("max-connections", Integer.toString(maxConnections));
      parameters.put("idle-timeout", Integer.toString(idleTimeout));
      parameters.put("request-timeout", Integer.toString(requestTimeout));
      DecoyServeRequest request = DecoyServeRequest.fromParameters(parameters);
      DecoyConfig decoyConfig = identified(request.config(DecoyCatalog.builtIn()));
      PrintWriter err = spec.commandLine().getErr();
      AlertOptions options = alertOptions();
      AlertPipeline alerts = AlertPipeline.fromOptions(options, System.out, java.net.InetAddress.getLocalHost().getHostName(),
          line -> {
            err.println("warning: " + line);
            err.flush();
          }, eventSinks());
      AlertPublisher publisher = alerts::publish;
      DecoyServer server;
      try {
        // generated SSH host keys and TLS certificates live next to the spool (an emptyDir in a pod): the same after a container restart
        server = DecoyServer.start(decoyConfig.served(options.spool()), request.bind(), request.limits(), publisher, Clock.systemUTC(),
            alerts.metrics()::connectionOpened);
      } catch (MoatException e) {
        alerts.close();
        throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        server.close();
        alerts.close();
        stopped.countDown();
      }, "moat-decoy-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      for (DecoySpec d : decoyConfig.decoys()) {
        err.println("decoy " + d.name() + " (" + d.type() + ") listening on " + request.bind() + ":" + server.boundPorts().get(d.name()));
      }
      if (metricsPort != null) {
        err.println("metrics on http://" + metricsBind + ":" + alerts.metricsPort() + "/metrics");
      }
      err.flush();
      stopped.await();
      return 0;
    }

    /** --name, --service and --namespace name the one decoy given on the command line. */
    private DecoyConfig identified(DecoyConfig config) throws MoatException {
      if (name == null && service == null && namespace == null) {
        return config;
      }
      if (config.decoys().size() != 1 || this.config != null) {
        throw new MoatException(Failure.INVALID_INPUT, "--name, --service and --namespace name a single --decoy",
            "serve one decoy per process, or give names in decoys.yaml");
      }
      DecoySpec d = config.decoys().get(0);
      return new DecoyConfig(List.of(new DecoySpec(name != null ? name : d.name(), d.type(), d.port(), service != null ? service : d.service(),
          namespace != null ? namespace : d.namespace(), d.labels(), d.replicas(), d.emulator(), d.definition(), d.tls())));
    }

    /** The Kubernetes Events sink when asked for: the pod's identity from the downward API, the client from the ServiceAccount. */
    private List<dev.moat.decoy.alert.AlertSink> eventSinks() throws MoatException {
      if (!kubernetesEvents) {
        return List.of();
      }
      String pod = System.getenv("POD_NAME");
      String podNamespace = System.getenv("POD_NAMESPACE");
      if (pod == null || pod.isBlank() || podNamespace == null || podNamespace.isBlank()) {
        throw new MoatException(Failure.INVALID_INPUT, "--kubernetes-events needs the environment variables POD_NAME and POD_NAMESPACE",
            "set them from the downward API (metadata.name, metadata.namespace), as moat decoy deploy --kubernetes-events does");
      }
      return List.of(new dev.moat.decoy.alert.KubernetesEventSink("kubernetes-events", kubernetes(), podNamespace.trim(), pod.trim()));
    }

    private AlertOptions alertOptions() throws MoatException {
      AlertOptions.StdoutFormat stdout = alertStdout.equalsIgnoreCase("none") ? null : AlertOptions.parseStdoutFormat(alertStdout);
      List<AlertOptions.WebhookTarget> targets = new ArrayList<>();
      for (String url : webhooks) {
        targets.add(new AlertOptions.WebhookTarget(AlertOptions.parseWebhookUrl(url), AlertOptions.parseWebhookFormat(webhookFormat)));
      }
      return new AlertOptions(stdout, targets, metricsPort == null ? null : AlertOptions.parseMetricsPort(metricsPort), metricsBind, spool,
          AlertOptions.parseDuration("--dedupe-window", dedupeWindow), 0);
    }
  }

  @Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the built-in decoy types.")
  static final class Catalog implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<CatalogEntry> entries = new ArrayList<>(DecoyCatalog.builtIn().entries());
      entries.addAll(DecoyCatalog.customEntries());
      // columns as wide as their longest cell, so every row lines up
      int type = "TYPE".length();
      int category = "CATEGORY".length();
      int emulates = "EMULATES".length();
      for (CatalogEntry e : entries) {
        type = Math.max(type, e.type().length());
        category = Math.max(category, e.category().length());
        emulates = Math.max(emulates, e.emulates().length());
      }
      String format = "%-" + type + "s  %-" + category + "s  %-" + emulates + "s  %5s  %s%n";
      out.printf(format, "TYPE", "CATEGORY", "EMULATES", "PORT", "ALERTS ON");
      for (CatalogEntry e : entries) {
        List<String> alerts = e.alertsOn().isEmpty() ? List.of("") : e.alertsOn();
        out.printf(format, e.type(), e.category(), e.emulates(), e.defaultPort() == 0 ? "-" : Integer.toString(e.defaultPort()), alerts.get(0));
        for (int i = 1; i < alerts.size(); i++) {
          out.printf(format, "", "", "", "", alerts.get(i));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** The cluster from KUBECONFIG / ~/.kube/config, or the in-cluster ServiceAccount. */
  static KubernetesClient kubernetes() {
    return new KubernetesClientBuilder().build();
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true,
      description = "Deploy decoys: for each, a hardened Deployment running `moat decoy serve`, a Service under your name, a NetworkPolicy denying its egress.")
  static final class Deploy implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--decoy", paramLabel = "TYPE", description = "The decoy type (redis, docker-api, ssh, …).")
    String type;

    @Option(names = "--config", paramLabel = "FILE", description = "A decoys.yaml: deploy every decoy in it (custom decoys included), instead of --decoy.")
    String config;

    @Option(names = "--name", paramLabel = "NAME", description = "The decoy's name. Default: the type.")
    String name;

    @Option(names = "--service", paramLabel = "NAME", description = "The Service name attackers find. Default: the decoy's name.")
    String service;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Option(names = "--port", paramLabel = "PORT", description = "The Service port. Default: the real service's port (6379 for redis).")
    String port;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    String replicas;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Extra label on every object and pod. Repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE", description = "The Moat image the pods run. Default: " + DeployDecoysRequest.DEFAULT_IMAGE + ".")
    String image;

    @Option(names = "--alert-egress", paramLabel = "HOST:PORT", description = "The alert sink the decoy may reach (its only egress besides DNS).")
    String alertEgress;

    @Option(names = "--kubernetes-events", description = "Alerts also become Kubernetes Events (the pod gets a Role that may only create events).")
    boolean events;

    @Option(names = "--dry-run", description = "Print the objects as YAML instead of applying them.")
    boolean dryRun;

    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      Map<String, String> p = new HashMap<>();
      p.put("type", type);
      p.put("config", config);
      p.put("name", name);
      p.put("service", service);
      p.put("namespace", namespace);
      p.put("port", port);
      p.put("replicas", config != null && "1".equals(replicas) ? null : replicas);
      p.put("labels", String.join("\n", labels));
      p.put("image", image);
      p.put("alert-egress", alertEgress);
      p.put("kubernetes-events", Boolean.toString(events));
      p.put("dry-run", Boolean.toString(dryRun));
      DeployDecoysRequest request = DeployDecoysRequest.fromParameters(p);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      StageResult result = new DeployDecoysStage(DecoyCommand::kubernetes).run(request, outputOptions.listener(err));
      if (request.dryRun()) {
        out.print(result.outputs().get("MANIFESTS"));
        out.flush();
        return 0;
      }
      return outputOptions.publish(result, out, err);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the decoys Moat deployed (by their labels).")
  static final class ListDecoys implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace. Default: every namespace.")
    String namespace;

    @Override
    public Integer call() throws MoatException {
      PrintWriter out = spec.commandLine().getOut();
      try (KubernetesClient client = kubernetes()) {
        List<Deployment> decoys = new ManifestApplier(client).deployments(namespace, Map.of(DecoyDeployment.PART_OF, "moat"));
        out.printf("%-20s %-24s %-16s %s%n", "NAMESPACE", "NAME", "TYPE", "READY");
        for (Deployment d : decoys) {
          Map<String, String> labels = d.getMetadata().getLabels();
          Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
          out.printf("%-20s %-24s %-16s %d/%d%n", d.getMetadata().getNamespace(), d.getMetadata().getName(),
              labels == null ? "?" : labels.getOrDefault(DecoyDeployment.DECOY_LABEL, "?"), ready == null ? 0 : ready, d.getSpec().getReplicas());
        }
        out.flush();
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove decoys: each one's Deployment, Service, NetworkPolicy, ConfigMap and RBAC.")
  static final class Remove implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "The decoys' names.")
    List<String> names = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Remove every decoy of the decoys.yaml they were deployed from, instead of NAMEs.")
    Path config;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
        description = "Default: ${DEFAULT-VALUE} (with --config: for the decoys that name none).")
    String namespace;

    @Option(names = "--ignore-missing", description = "Skip a decoy that is not there instead of failing (exit 5).")
    boolean ignoreMissing;

    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws MoatException {
      Map<String, String> p = new HashMap<>();
      p.put("name", String.join("\n", names));
      p.put("config", config == null ? null : config.toString());
      p.put("namespace", namespace);
      p.put("ignore-missing", Boolean.toString(ignoreMissing));
      RemoveDecoysRequest request = RemoveDecoysRequest.fromParameters(p);
      PrintWriter err = spec.commandLine().getErr();
      StageResult result = new RemoveDecoysStage(DecoyCommand::kubernetes).run(request, outputOptions.listener(err));
      err.flush();
      return outputOptions.publish(result, spec.commandLine().getOut(), err);
    }
  }
}
