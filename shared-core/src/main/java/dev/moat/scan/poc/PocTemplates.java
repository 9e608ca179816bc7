package dev.moat.scan.poc;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The PoC templates of a scan: the built-in ones (resources under {@code dev/moat/scan/poc/templates/}, listed in
 * its {@code index}) and, optionally, the user's ({@code --templates}: a directory searched for {@code *.yaml} and
 * {@code *.yml} files at most {@value #MAX_DEPTH} levels deep, or one file). Every template is read and checked
 * before the scan starts, so a bad one stops the scan with one message naming its file and field.
 */
public final class PocTemplates {

  /** Largest template file read. */
  public static final long MAX_FILE_BYTES = 256 * 1024;
  /** Most templates read from the user's directory. */
  public static final int MAX_TEMPLATES = 5000;
  static final int MAX_DEPTH = 8;
  private static final String BUILT_IN = "/dev/moat/scan/poc/templates/";

  private static volatile List<PocTemplate> builtIn;

  private PocTemplates() {}

  /**
   * The built-in templates followed by the user's.
   *
   * @param dirOrNull the user's directory or file, or null for the built-in templates only
   * @throws MoatException NOT_FOUND when the path does not exist; INVALID_INPUT for a template outside the subset, an
   *     oversized file, too many templates, none at all, or an id used twice
   */
  public static List<PocTemplate> load(Path dirOrNull) throws MoatException {
    List<PocTemplate> all = new ArrayList<>(builtIn());
    if (dirOrNull != null) {
      all.addAll(user(dirOrNull));
    }
    Map<String, String> seen = new HashMap<>();
    for (PocTemplate t : all) {
      String other = seen.putIfAbsent(t.id(), t.source());
      if (other != null) {
        throw new MoatException(Failure.INVALID_INPUT, "PoC template " + t.source() + ": field 'id' is '" + t.id() + "', the id of "
            + other + " too", "give every template its own id (findings are told apart by it)");
      }
    }
    return List.copyOf(all);
  }

  /** The built-in templates (read once; a broken one is a bug in Moat). */
  public static List<PocTemplate> builtIn() {
    List<PocTemplate> cached = builtIn;
    if (cached == null) {
      List<PocTemplate> read = new ArrayList<>();
      try {
        for (String name : resource("index").split("\n")) {
          if (!name.isBlank() && !name.startsWith("#")) {
            read.add(PocTemplateParser.parse(resource(name.trim()), "built-in:" + name.trim()));
          }
        }
      } catch (MoatException e) {
        throw new IllegalStateException("a built-in PoC template is broken: " + e.getMessage(), e);
      }
      cached = List.copyOf(read);
      builtIn = cached;
    }
    return cached;
  }

  private static String resource(String name) {
    try (InputStream in = PocTemplates.class.getResourceAsStream(BUILT_IN + name)) {
      if (in == null) {
        throw new IllegalStateException("built-in PoC template resource " + BUILT_IN + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<PocTemplate> user(Path path) throws MoatException {
    if (!Files.exists(path)) {
      throw new MoatException(Failure.NOT_FOUND, "parameter 'templates': " + path + " does not exist",
          "give a directory of PoC templates (*.yaml) or one template file");
    }
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> walk = Files.walk(path, MAX_DEPTH, new FileVisitOption[0])) {
        walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("(?i).*\\.ya?ml")).sorted()
            .limit(MAX_TEMPLATES + 1L).forEach(files::add);
      } catch (IOException | UncheckedIOException e) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter 'templates': cannot list " + path + ": " + e.getMessage(),
            "give a readable directory of PoC templates");
      }
    } else {
      files.add(path);
    }
    if (files.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'templates': " + path + " holds no *.yaml or *.yml template",
          "give a directory of PoC templates in the Nuclei format subset (docs/scan.md)");
    }
    if (files.size() > MAX_TEMPLATES) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter 'templates': " + path + " holds more than " + MAX_TEMPLATES + " templates",
          "split the directory and run one scan per part, or keep the templates that apply to this target");
    }
    List<PocTemplate> read = new ArrayList<>();
    for (Path file : files) {
      read.add(read(file));
    }
    return read;
  }

  private static PocTemplate read(Path file) throws MoatException {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new MoatException(Failure.INVALID_INPUT, "PoC template " + file + " is larger than " + MAX_FILE_BYTES + " bytes",
            "split it; a template of the subset is a few kilobytes");
      }
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new MoatException(Failure.INVALID_INPUT, "PoC template " + file + " is not UTF-8 text", "save it as UTF-8");
    } catch (IOException e) {
      throw new MoatException(Failure.INVALID_INPUT, "cannot read PoC template " + file + ": " + e.getMessage(), "make it readable");
    }
    return PocTemplateParser.parse(text, file.toString());
  }
}
