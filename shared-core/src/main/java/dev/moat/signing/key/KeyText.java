package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The PEM text a key spec names: a file, or {@code env://VAR} (the PEM in an environment variable, as cosign
 * reads it). {@code name} is how messages refer to the key; {@code description} is {@link SigningKey#description()}.
 */
record KeyText(String text, String name, String description) {

  static final String ENV_PREFIX = "env://";

  /** Files larger than this are not keys. */
  private static final long MAX_BYTES = 1 << 20;

  static KeyText resolve(String spec, Map<String, String> env) throws MoatException {
    if (spec == null || spec.isBlank()) {
      throw new MoatException(
          Failure.INVALID_INPUT, "no key given", "name a key file, env://VAR or a pkcs11: URI");
    }
    if (spec.startsWith(ENV_PREFIX)) {
      String variable = spec.substring(ENV_PREFIX.length());
      String value = env.get(variable);
      if (variable.isEmpty() || value == null || value.isBlank()) {
        throw new MoatException(
            Failure.INVALID_INPUT,
            "environment variable " + (variable.isEmpty() ? "(none)" : variable) + " named by " + spec + " is not set",
            "put the PEM text of the key in " + (variable.isEmpty() ? "the variable" : variable));
      }
      return new KeyText(value, spec, spec);
    }
    Path file;
    try {
      file = Path.of(spec);
    } catch (InvalidPathException e) {
      throw new MoatException(Failure.INVALID_INPUT, "key file name " + spec + " is not a valid path", "");
    }
    try {
      if (Files.isDirectory(file)) {
        throw new MoatException(Failure.INVALID_INPUT, "key file " + spec + " is a directory", "");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new MoatException(
            Failure.INVALID_INPUT, spec + " is not a PEM key: it is larger than 1 MiB", "");
      }
      return new KeyText(Files.readString(file, StandardCharsets.ISO_8859_1), spec, "file " + spec);
    } catch (NoSuchFileException e) {
      throw new MoatException(Failure.NOT_FOUND, "key file " + spec + " does not exist", "");
    } catch (IOException e) {
      throw new MoatException(
          Failure.UNREACHABLE, "cannot read key file " + spec + ": " + e.getMessage(), "", e);
    }
  }

  @Override
  public String toString() {
    return "KeyText[" + description + "]";
  }
}
