package dev.moat.cli;

import dev.moat.MoatException;
import dev.moat.decoy.DecoyDeployment;
import dev.moat.kube.ManifestApplier;
import dev.moat.stage.DeployDecoysRequest;
import dev.moat.stage.DeployDecoysStage;
import dev.moat.stage.StageResult;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "decoy", mixinStandardHelpOptions = true,
    description = "Deception: deploy decoy services to Kubernetes under names and places you choose, list and remove them.",
    subcommands = {DecoyCommand.Serve.class, DecoyCommand.Catalog.class, DecoyCommand.Deploy.class, DecoyCommand.ListDecoys.class,
        DecoyCommand.Remove.class})
final class DecoyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The cluster from KUBECONFIG / ~/.kube/config, or the in-cluster ServiceAccount. */
  static KubernetesClient kubernetes() {
    return new KubernetesClientBuilder().build();
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve decoys until stopped (SIGTERM, Ctrl-C); alerts go to standard output as Falco JSON lines.")
  static final class Serve implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--decoy", required = true, paramLabel = "TYPE[:PORT]",
        description = "A decoy from the catalogue, on its usual port or PORT (0: any free port). Repeatable.")
    List<String> decoys = new ArrayList<>();

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Address to listen on. Default: ${DEFAULT-VALUE}; 0.0.0.0 in a pod.")
    String bind;

    @Option(names = "--name", paramLabel = "NAME", description = "Name in alerts (with one --decoy). Default: the type.")
    String name;

    @Option(names = "--service", paramLabel = "NAME", description = "Kubernetes Service name, for alerts.")
    String service;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Kubernetes namespace, for alerts.")
    String namespace;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000", description = "Across all decoys. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Default: ${DEFAULT-VALUE}.")
    int idleSeconds;

    @Override
    public Integer call() throws Exception {
      if (name != null && decoys.size() > 1) {
        throw new MoatException(dev.moat.Failure.INVALID_INPUT, "--name names one decoy, but " + decoys.size() + " were given", "serve them one per process, or drop --name");
      }
      dev.moat.decoy.DecoyCatalog catalog = dev.moat.decoy.DecoyCatalog.builtIn();
      List<dev.moat.decoy.DecoyServer.Listener> listeners = new ArrayList<>();
      for (String spec : decoys) {
        String[] parts = spec.split(":", 2);
        Object emulator = catalog.find(parts[0]).orElseThrow(() -> new MoatException(dev.moat.Failure.INVALID_INPUT,
            "decoy type '" + parts[0] + "' is not in the catalogue", "see `moat decoy catalog`"));
        if (!(emulator instanceof dev.moat.decoy.StreamEmulator)) {
          throw new MoatException(dev.moat.Failure.INVALID_INPUT, "decoy type '" + parts[0] + "' cannot be served yet", "see `moat decoy catalog`");
        }
        dev.moat.decoy.StreamEmulator stream = (dev.moat.decoy.StreamEmulator) emulator;
        int port = stream.describe().defaultPort();
        if (parts.length == 2) {
          try {
            port = Integer.parseInt(parts[1]);
          } catch (NumberFormatException e) {
            port = -1;
          }
          if (port < 0 || port > 65535) {
            throw new MoatException(dev.moat.Failure.INVALID_INPUT, "'" + spec + "' does not end in a port (0-65535)", "write it like redis:6379");
          }
        }
        listeners.add(new dev.moat.decoy.DecoyServer.Listener(
            new dev.moat.decoy.DecoyIdentity(name != null ? name : parts[0], parts[0], service, namespace), stream, bind, port));
      }
      PrintWriter err = spec.commandLine().getErr();
      java.io.Writer out = new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8);
      String host = java.net.InetAddress.getLocalHost().getHostName();
      dev.moat.decoy.DecoyServer server = new dev.moat.decoy.DecoyServer(
          new dev.moat.decoy.DecoyLimits(maxConnections, java.time.Duration.ofSeconds(idleSeconds), 1L << 20),
          new dev.moat.decoy.FalcoJsonAlerts(out, host), java.time.Clock.systemUTC());
      java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "moat-decoy-stop"));
      Map<String, Integer> ports = server.start(listeners);
      ports.forEach((decoy, port) -> err.println("decoy " + decoy + " listening on " + bind + ":" + port));
      err.flush();
      stopped.await();
      return 0;
    }
  }

  @Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the built-in decoys: what each emulates and what raises an alert.")
  static final class Catalog implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (dev.moat.decoy.CatalogEntry entry : dev.moat.decoy.DecoyCatalog.builtIn().entries()) {
        out.println(entry.type() + " (" + entry.category() + ", port " + entry.defaultPort() + "): " + entry.emulates());
        entry.alertsOn().forEach(a -> out.println("    alerts: " + a));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true,
      description = "Deploy a decoy: a hardened Deployment running `moat decoy serve`, a Service under your name, a NetworkPolicy denying its egress.")
  static final class Deploy implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--decoy", required = true, paramLabel = "TYPE", description = "The decoy type (redis, docker-api, ssh, …).")
    String type;

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
      p.put("name", name);
      p.put("service", service);
      p.put("namespace", namespace);
      p.put("port", port);
      p.put("replicas", replicas);
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

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a decoy: its Deployment, Service, NetworkPolicy and RBAC.")
  static final class Remove implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The decoy's name.")
    String name;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default", description = "Default: ${DEFAULT-VALUE}.")
    String namespace;

    @Override
    public Integer call() throws MoatException {
      PrintWriter err = spec.commandLine().getErr();
      try (KubernetesClient client = kubernetes()) {
        List<String> deleted = new ManifestApplier(client).delete(namespace,
            Map.of(DecoyDeployment.PART_OF, "moat", DecoyDeployment.NAME_LABEL, name),
            List.of(Deployment.class, Service.class, NetworkPolicy.class, RoleBinding.class, Role.class,
                io.fabric8.kubernetes.api.model.ServiceAccount.class));
        if (deleted.isEmpty()) {
          throw new MoatException(dev.moat.Failure.NOT_FOUND, "no decoy named " + name + " in namespace " + namespace, "see `moat decoy list`");
        }
        deleted.forEach(d -> err.println("  deleted " + d));
        err.flush();
      }
      return 0;
    }
  }
}
