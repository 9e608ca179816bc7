package dev.moat.cli;

import dev.moat.image.ImageLocation;
import dev.moat.stage.StageContext;
import dev.moat.stage.VerifyRequest;
import dev.moat.stage.VerifyStage;
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

@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify that enough distinct trusted keys signed exactly this image digest (both cosign layouts are read).")
final class VerifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "registry/repo:tag, repo:tag@sha256:… (the tag must still point there), oci:DIR[:TAG]")
  String image;

  @Option(names = "--key", required = true, paramLabel = "KEY", description = "Trusted public key (PEM file, env://VAR, pkcs11: URI). Repeatable.")
  List<String> keys;

  @Option(names = "--threshold", paramLabel = "N", defaultValue = "1", description = "Distinct keys that must have signed. Default: ${DEFAULT-VALUE}.")
  int threshold;

  @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", converter = {AnnotationPart.Key.class, AnnotationPart.Value.class},
      description = "A signature counts only if it carries this signed annotation. Repeatable.")
  Map<String, String> annotations = new LinkedHashMap<>();

  @Mixin RegistryOptionsMixin registry;
  @Mixin OutputOptionsMixin output;

  @Override
  public Integer call() throws Exception {
    VerifyRequest request = new VerifyRequest(ImageLocation.parse(image), keys, threshold, annotations, registry.settings());
    var err = spec.commandLine().getErr();
    return output.publish(new VerifyStage().run(request, StageContext.fromProcess(), output.listener(err)), spec.commandLine().getOut(), err);
  }
}
