package dev.moat.cli;

import dev.moat.stage.ScanApiRequest;
import dev.moat.stage.ScanApiStage;
import dev.moat.stage.StageContext;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moat scan}: service and API security scanning. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Scan services and APIs for the 13 web vulnerability classes.",
    subcommands = {ScanCommand.Api.class})
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
}
