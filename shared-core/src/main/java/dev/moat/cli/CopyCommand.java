package dev.moat.cli;

import dev.moat.image.ImageLocation;
import dev.moat.signing.SignatureLayout;
import dev.moat.stage.CopyRequest;
import dev.moat.stage.CopyStage;
import dev.moat.stage.StageContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "copy", mixinStandardHelpOptions = true,
    description = "Mirror an image between registries, OCI layouts and docker archives: verify the source, sign at the destination.")
final class CopyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE") String source;

  @Parameters(index = "1", paramLabel = "DESTINATION") String destination;

  @Option(names = "--sign-key", paramLabel = "KEY", description = "Sign the copy at the destination with this private key.")
  String signKey;

  @Option(names = "--verify-key", paramLabel = "KEY", description = "Verify the source with this public key first; refuse to copy if it fails. Repeatable.")
  List<String> verifyKeys = new ArrayList<>();

  @Option(names = "--threshold", paramLabel = "N", defaultValue = "1", description = "Distinct verify keys that must have signed. Default: ${DEFAULT-VALUE}.")
  int threshold;

  @Option(names = "--verify-annotation", paramLabel = "KEY=VALUE", converter = {AnnotationPart.Key.class, AnnotationPart.Value.class},
      description = "A source signature counts only if it carries this signed annotation. Repeatable.")
  Map<String, String> verifyAnnotations = new LinkedHashMap<>();

  @Option(names = "--copy-signatures", description = "Carry the source's existing signatures and attestations (both layouts) to the destination.")
  boolean copySignatures;

  @Option(names = "--all-tags", description = "Mirror every tag of the source repository.")
  boolean allTags;

  @Option(names = "--signature-layout", paramLabel = "LAYOUT", defaultValue = "both", description = "legacy, bundle or both. Default: ${DEFAULT-VALUE}.")
  String layout;

  @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", converter = {AnnotationPart.Key.class, AnnotationPart.Value.class},
      description = "Signed annotation on the destination signature. Repeatable.")
  Map<String, String> annotations = new LinkedHashMap<>();

  @Option(names = "--recursive", description = "When signing a multi-platform copy, also sign the image of every platform.")
  boolean recursive;

  @Option(names = "--parallel", paramLabel = "N", description = "Blobs copied at once. Default: the number of cores, at least 2.")
  int parallelism = Math.max(2, Runtime.getRuntime().availableProcessors());

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "Copy only this platform of a multi-platform image (needed for a docker-archive destination).")
  String platform;

  @Mixin RegistryOptionsMixin registry;
  @Mixin OutputOptionsMixin output;

  @Override
  public Integer call() throws Exception {
    CopyRequest request = new CopyRequest(ImageLocation.parse(source), ImageLocation.parse(destination), signKey, verifyKeys, threshold,
        verifyAnnotations, copySignatures, allTags, SignatureLayout.parse(layout), annotations, recursive, parallelism, platform, registry.settings());
    var err = spec.commandLine().getErr();
    return output.publish(new CopyStage().run(request, StageContext.fromProcess(), output.listener(err)), spec.commandLine().getOut(), err);
  }
}
