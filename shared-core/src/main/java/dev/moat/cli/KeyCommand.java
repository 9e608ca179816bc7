package dev.moat.cli;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.signing.key.GeneratedKey;
import dev.moat.signing.key.KeyFormat;
import dev.moat.signing.key.KeyPairWriter;
import dev.moat.signing.key.PassphraseSource;
import dev.moat.signing.key.PublicKeys;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage signing keys.", subcommands = KeyCommand.Generate.class)
final class KeyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate an ECDSA P-256 key pair: PREFIX.key and PREFIX.pub.")
  static final class Generate implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--output-key-prefix", paramLabel = "PREFIX", defaultValue = "moat", description = "Default: ${DEFAULT-VALUE}.")
    Path prefix;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "cosign",
        description = "cosign (cosign's encrypted format, needs a passphrase), pkcs8-encrypted, or pkcs8 (unencrypted). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws Exception {
      KeyFormat keyFormat;
      switch (format.toLowerCase(Locale.ROOT)) {
        case "cosign":
          keyFormat = KeyFormat.COSIGN;
          break;
        case "pkcs8-encrypted":
          keyFormat = KeyFormat.PKCS8_ENCRYPTED;
          break;
        case "pkcs8":
          keyFormat = KeyFormat.PKCS8;
          break;
        default:
          throw new MoatException(Failure.INVALID_INPUT, "key format '" + format + "' is unknown", "use cosign, pkcs8-encrypted or pkcs8");
      }
      char[] passphrase = null;
      if (keyFormat != KeyFormat.PKCS8) {
        passphrase = PassphraseSource.fromEnvironment(System.getenv()).passphrase(prefix + ".key");
        if (passphrase == null && System.console() != null) {
          passphrase = System.console().readPassword("Passphrase for %s.key: ", prefix);
        }
        if (passphrase == null) {
          throw new MoatException(Failure.INVALID_INPUT, "a " + format + " key needs a passphrase",
              "set MOAT_PASSPHRASE (or COSIGN_PASSWORD), or use --format pkcs8 for an unencrypted key");
        }
      }
      GeneratedKey key = KeyPairWriter.generate(prefix, keyFormat, passphrase);
      spec.commandLine().getOut().println("Private key: " + key.privateKey());
      spec.commandLine().getOut().println("Public key:  " + key.publicKey());
      spec.commandLine().getOut().println("Key id:      " + PublicKeys.fingerprint(key.key()));
      return 0;
    }
  }
}
