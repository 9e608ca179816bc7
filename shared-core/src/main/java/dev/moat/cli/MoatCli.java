package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.HttpClients;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code moat} command line: the first client of the stage API, and what the Tekton tasks and actions run. */
@Command(
    name = "moat",
    mixinStandardHelpOptions = true,
    versionProvider = MoatCli.Version.class,
    description = "Security stages for CI/CD pipelines.",
    footer = {"", "Exit codes: 0 ok, 1 internal error, 2 bad input, 3 unreachable, 4 authentication, 5 not found, 6 key,",
        "7 protocol, 8 layer rejected, 10 no signature, 11 invalid signature, 12 unknown key, 13 digest mismatch,",
        "14 threshold not met, 15 annotation mismatch, 20 drift, 30 scan findings at or above --fail-on."})
public final class MoatCli implements Runnable {

  /**
   * The subcommands, in help order. They are added by {@link #commandLine}, not listed in the annotation: picocli
   * builds a command's model by reflection over its options and mixins, and building all of them costs a
   * command-line run a third of a second it does not need when it names its subcommand. (A method, not a static
   * field, so that {@code --version} does not load the command classes.)
   */
  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("sign", SignCommand.class);
    m.put("verify", VerifyCommand.class);
    m.put("copy", CopyCommand.class);
    m.put("whitelist", WhitelistCommand.class);
    m.put("scan", ScanCommand.class);
    m.put("decoy", DecoyCommand.class);
    m.put("key", KeyCommand.class);
    m.put("demo", DemoCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return m;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) throws IOException {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // Pipelines call this to check the tool; answer without building the command model (start-up time).
      System.out.println(new Version().getVersion()[0]);
      return;
    }
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      // With one or two cores the common pool has parallelism 1, and CompletableFuture then runs every async stage
      // — the JDK HTTP client completes each response through one — on a new thread: a thread per request.
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
          Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      // Blobs stream through the HTTP client in chunks of this size; the JDK's 16 KiB default costs a copy per chunk.
      System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
    }
    int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    // Clients a library left open would make the exit wait 300 ms for their selector threads (HttpClients).
    HttpClients.stopAllBeforeExit();
    System.exit(code);
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof MoatException moat) {
        commandLine.getErr().println("moat: " + moat.oneLine());
        if (moat.failure() == Failure.INTERNAL) {
          e.printStackTrace(commandLine.getErr());
        }
        return moat.failure().exitCode();
      }
      commandLine.getErr().println("moat: internal error: " + e);
      e.printStackTrace(commandLine.getErr());
      return Failure.INTERNAL.exitCode();
    });
    cli.setParameterExceptionHandler((e, a) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("moat: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      return Failure.INVALID_INPUT.exitCode();
    });
    return cli.execute(args);
  }

  /**
   * The command line for these arguments: with only the named subcommand when the first argument names one other
   * than {@code help}; with all of them otherwise (the usage, {@code help}, and suggestions for a mistyped name).
   */
  static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new MoatCli());
    String first = args.length > 0 ? args[0] : "";
    Map<String, Class<?>> subcommands = subcommands();
    Class<?> named = first.equals("help") ? null : subcommands.get(first);
    if (named != null) {
      cli.addSubcommand(first, named);
    } else {
      subcommands.forEach(cli::addSubcommand);
    }
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = MoatCli.class.getResourceAsStream("/moat-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"moat " + p.getProperty("version", "unknown")};
    }
  }
}
