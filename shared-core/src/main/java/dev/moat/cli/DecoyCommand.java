package dev.moat.cli;

import dev.moat.decoy.CatalogEntry;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "decoy", mixinStandardHelpOptions = true, description = "Run decoy services that alert on every touch.",
    subcommands = {DecoyCommand.Serve.class, DecoyCommand.Catalog.class})
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

    @Option(names = "--config", paramLabel = "FILE", description = "A decoys.yaml (see docs/decoys-runtime.md).")
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
      DecoyConfig decoyConfig = request.config(DecoyCatalog.builtIn());
      PrintWriter out = spec.commandLine().getOut();
      StdoutAlertPublisher publisher = publisher(out);
      DecoyServer server = DecoyServer.start(decoyConfig.served(), request.bind(), request.limits(), publisher, Clock.systemUTC());
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        server.close();
        publisher.flush();
        stopped.countDown();
      }, "moat-decoy-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      for (DecoySpec d : decoyConfig.decoys()) {
        out.println("decoy " + d.name() + " (" + d.type() + ") listening on " + request.bind() + ":" + server.boundPorts().get(d.name()));
      }
      out.flush();
      stopped.await();
      return 0;
    }

    /** The one place alerts are routed: stdout JSON lines until the alert pipeline is wired in. */
    private static StdoutAlertPublisher publisher(PrintWriter out) {
      return new StdoutAlertPublisher(out);
    }
  }

  @Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the built-in decoy types.")
  static final class Catalog implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      String format = "%-14s %-26s %-58s %5s  %s%n";
      out.printf(format, "TYPE", "CATEGORY", "EMULATES", "PORT", "ALERTS ON");
      List<CatalogEntry> entries = new ArrayList<>(DecoyCatalog.builtIn().entries());
      entries.addAll(DecoyCatalog.customEntries());
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
}
