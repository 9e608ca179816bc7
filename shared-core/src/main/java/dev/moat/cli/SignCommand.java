package dev.moat.cli;

import dev.moat.image.ImageLocation;
import dev.moat.signing.SignatureLayout;
import dev.moat.stage.SignRequest;
import dev.moat.stage.SignStage;
import dev.moat.stage.StageContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign an image by digest with a key you choose, in cosign's layouts.")
final class SignCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "registry/repo:tag, repo@sha256:…, oci:DIR[:TAG]")
  String image;

  @Option(names = "--key", required = true, paramLabel = "KEY",
      description = "Private key: a file (PKCS#8, encrypted PKCS#8, cosign), env://VAR, or a pkcs11: URI. Passphrase from MOAT_PASSPHRASE or COSIGN_PASSWORD.")
  String key;

  @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", converter = {AnnotationPart.Key.class, AnnotationPart.Value.class},
      description = "Signed annotation. Repeatable.")
  Map<String, String> annotations = new LinkedHashMap<>();

  @Option(names = "--signature-layout", paramLabel = "LAYOUT", defaultValue = "both",
      description = "legacy (the .sig tag), bundle (Sigstore bundle referrer) or both. Default: ${DEFAULT-VALUE}.")
  String layout;

  @Option(names = "--recursive", description = "For a multi-platform image, also sign the image of every platform.")
  boolean recursive;

  @Mixin RegistryOptionsMixin registry;
  @Mixin OutputOptionsMixin output;

  @Override
  public Integer call() throws Exception {
    SignRequest request = new SignRequest(ImageLocation.parse(image), key, annotations, SignatureLayout.parse(layout), recursive, registry.settings());
    var err = spec.commandLine().getErr();
    return output.publish(new SignStage().run(request, StageContext.fromProcess(), output.listener(err)), spec.commandLine().getOut(), err);
  }
}
