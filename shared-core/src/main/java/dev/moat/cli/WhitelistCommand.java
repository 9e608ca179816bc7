package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import dev.moat.signing.SignatureLayout;
import dev.moat.stage.CheckWhitelistRequest;
import dev.moat.stage.CheckWhitelistStage;
import dev.moat.stage.FetchWhitelistRequest;
import dev.moat.stage.FetchWhitelistStage;
import dev.moat.stage.LearnWhitelistRequest;
import dev.moat.stage.LearnWhitelistStage;
import dev.moat.stage.PolicyDirectory;
import dev.moat.stage.StageContext;
import dev.moat.stage.StageResult;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.ExportFormat;
import dev.moat.whitelist.ExportOptions;
import dev.moat.whitelist.ExportedFile;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistExporter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

@Command(name = "whitelist", mixinStandardHelpOptions = true,
    description = "Drift prevention: learn an image's executables, export the whitelist to enforcers, check observed executions against it.",
    subcommands = {WhitelistCommand.Learn.class, WhitelistCommand.Export.class, WhitelistCommand.Check.class, WhitelistCommand.Fetch.class})
final class WhitelistCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Selector, namespace and policy name, shared by learn and export. */
  static final class ScopeOptions {

    @Option(names = "--selector", paramLabel = "KEY=VALUE", description = "Pod label the policies select (KubeArmor, Tetragon). Repeatable.")
    List<String> selector = new ArrayList<>();

    @Option(names = "--namespace", paramLabel = "NS", description = "Namespace of the policies. Default: default.")
    String namespace;

    @Option(names = "--name", paramLabel = "NAME", description = "Policy name. Default: from the image repository and digest.")
    String name;

    @Option(names = "--root-prefix", paramLabel = "DIR",
        description = "fapolicyd: where the image's root filesystem is on the host (the trust file and rules name paths under it). Default: /.")
    String rootPrefix;

    ExportOptions options() throws MoatException {
      return ExportOptions.checked(ExportOptions.parseSelector(selector), namespace, name).withRootPrefix(rootPrefix);
    }
  }

  @Command(name = "learn", mixinStandardHelpOptions = true,
      description = "Learn every executable of an image into a whitelist bound to its digest; optionally export and attach it.")
  static final class Learn implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry/repo:tag, repo@sha256:…, oci:DIR[:TAG], docker-archive:FILE")
    String image;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "whitelist.json", description = "Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]|all", defaultValue = LearnOptions.DEFAULT_PLATFORM,
        description = "Platform of a multi-platform image, or all. Default: ${DEFAULT-VALUE}.")
    String platform;

    @Option(names = "--max-layer-size", paramLabel = "SIZE", defaultValue = "16G",
        description = "Refuse a layer that unpacks to more than this (a gzip bomb). Default: ${DEFAULT-VALUE}.")
    String maxLayerSize;

    @Option(names = "--export", paramLabel = "FORMAT", split = ",",
        description = "Also export to kubearmor, tetragon, falco, fapolicyd (comma separated, repeatable) or all.")
    List<String> formats = new ArrayList<>();

    @Option(names = "--export-dir", paramLabel = "DIR", description = "Where exported policies go. Default: the whitelist's directory.")
    Path exportDir;

    @Mixin ScopeOptions scope;

    @Option(names = "--attach", description = "Attach the whitelist to the image as a signed in-toto attestation (needs --key).")
    boolean attach;

    @Option(names = "--key", paramLabel = "KEY", description = "Private key for --attach: a file, env://VAR or a pkcs11: URI.")
    String key;

    @Option(names = {"--layout", "--signature-layout"}, paramLabel = "LAYOUT", defaultValue = "both",
        description = "legacy, bundle or both: where --attach stores the attestation. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--repository", paramLabel = "REPO",
        description = "The repository the image will run from, when it is learned elsewhere (an oci: layout before the push): "
            + "policies match containers of this repository and the learned digest.")
    String repository;

    @Mixin RegistryOptionsMixin registry;
    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      LearnWhitelistRequest request = new LearnWhitelistRequest(ImageLocation.parse(image), output, platform,
          dev.moat.stage.Parameters.parseBytes("--max-layer-size", maxLayerSize), LearnWhitelistRequest.formats(formats),
          exportDir == null ? LearnWhitelistRequest.defaultExportDir(output) : exportDir, scope.options(), attach, key,
          SignatureLayout.parse(layout), registry.settings(), LearnWhitelistRequest.repository(repository));
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      StageResult result = new LearnWhitelistStage().run(request, StageContext.fromProcess(), outputOptions.listener(err));
      int code = outputOptions.publish(result, out, err);
      if (code == 0) {
        printCounts(WhitelistDocument.read(output), out);
        out.println("Files:");
        result.reports().forEach(f -> out.println("  " + f));
      }
      return code;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Export a whitelist to one enforcer's policy: to stdout, a file, or a directory when the format writes several files.")
  static final class Export implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHITELIST", description = "A whitelist written by `moat whitelist learn`.")
    Path whitelist;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "kubearmor, tetragon, falco or fapolicyd.")
    String format;

    @Mixin ScopeOptions scope;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE|DIR",
        description = "Write here instead of stdout; a directory (created if needed) when the format writes several files, or when it is one.")
    Path output;

    @Override
    public Integer call() throws Exception {
      ExportFormat exportFormat = ExportFormat.parse(format);
      ExportOptions options = scope.options();
      String risk = options.riskFor(exportFormat);
      if (risk != null) {
        spec.commandLine().getErr().println("warning: " + risk);
      }
      Whitelist read = WhitelistDocument.read(whitelist);
      List<ExportedFile> files = WhitelistExporter.of(exportFormat).export(read, options);
      PrintWriter out = spec.commandLine().getOut();
      if (output == null) {
        if (files.size() != 1) {
          throw new MoatException(Failure.INVALID_INPUT, exportFormat.cliName() + " writes " + files.size() + " files ("
              + String.join(", ", files.stream().map(ExportedFile::fileName).toList()) + ")", "give a directory with -o DIR");
        }
        out.print(new String(files.get(0).content(), StandardCharsets.UTF_8));
        out.flush();
        return 0;
      }
      List<Path> written;
      if (files.size() == 1 && !Files.isDirectory(output)) {
        Path dir = output.toAbsolutePath().getParent();
        PolicyDirectory.write(dir, List.of(new ExportedFile(output.getFileName().toString(), files.get(0).content())));
        written = List.of(output);
      } else {
        written = PolicyDirectory.write(output, files);
      }
      spec.commandLine().getErr().println("Exported " + read.allEntries().size() + " entries to " + exportFormat.cliName() + ":");
      written.forEach(f -> spec.commandLine().getErr().println("  " + f));
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check observed executions (Falco JSON, Tetragon JSON export, or a list of paths) against a whitelist; exit 20 on drift.")
  static final class Check implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHITELIST", description = "A whitelist written by `moat whitelist learn`.")
    Path whitelist;

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "Falco JSON events, Tetragon JSON export events, or one path (and optional sha256) a line.")
    Path events;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the drift report as JSON.")
    Path json;

    @Option(names = "--sarif", paramLabel = "FILE", description = "Write the drift report as SARIF 2.1.0.")
    Path sarif;

    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      StageResult result = new CheckWhitelistStage().run(new CheckWhitelistRequest(whitelist, events, json, sarif), StageContext.fromProcess(),
          outputOptions.listener(err));
      return outputOptions.publish(result, spec.commandLine().getOut(), err);
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Fetch the whitelist attached to an image and verify its signature; exit codes as verify.")
  static final class Fetch implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "registry/repo:tag, repo@sha256:…, oci:DIR[:TAG]")
    String image;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "Trusted public key (PEM file, env://VAR, pkcs11: URI). Repeatable.")
    List<String> keys;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "whitelist.json", description = "Default: ${DEFAULT-VALUE}.")
    Path output;

    @Mixin RegistryOptionsMixin registry;
    @Mixin OutputOptionsMixin outputOptions;

    @Override
    public Integer call() throws Exception {
      FetchWhitelistRequest request = new FetchWhitelistRequest(ImageLocation.parse(image), keys, output, registry.settings());
      PrintWriter err = spec.commandLine().getErr();
      return outputOptions.publish(new FetchWhitelistStage().run(request, StageContext.fromProcess(), outputOptions.listener(err)),
          spec.commandLine().getOut(), err);
    }
  }

  /** A short table: entries per kind, and the total. */
  static void printCounts(Whitelist whitelist, PrintWriter out) {
    Map<EntryKind, Integer> counts = LearnWhitelistStage.countsByKind(whitelist);
    counts.forEach((kind, n) -> out.printf("  %-20s %6d%n", kind.jsonName(), n));
    out.printf("  %-20s %6d%n", "total", whitelist.allEntries().size());
  }
}
