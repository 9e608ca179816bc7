package dev.moat.whitelist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the whitelist JSON document: indented, keys in a fixed order, a final newline. */
public final class WhitelistDocument {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private WhitelistDocument() {}

  public static byte[] toBytes(Whitelist whitelist) {
    try {
      return (MAPPER.writeValueAsString(whitelist) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the whitelist", e);
    }
  }

  public static Whitelist parse(byte[] bytes, String source) throws MoatException {
    Whitelist whitelist;
    try {
      whitelist = MAPPER.readValue(bytes, Whitelist.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw invalid(source, "a required field is missing (" + cause.getMessage() + ")");
    } catch (MismatchedInputException e) {
      throw invalid(source, "unexpected value at " + e.getPathReference().replace("dev.moat.whitelist.", ""));
    } catch (JsonProcessingException e) {
      throw invalid(source, "not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw invalid(source, "unreadable (" + e.getMessage() + ")");
    }
    if (whitelist == null) {
      throw invalid(source, "it is empty");
    }
    if (!Whitelist.SCHEMA_VERSION.equals(whitelist.schemaVersion())) {
      throw invalid(source, "schemaVersion is '" + whitelist.schemaVersion() + "', this Moat reads " + Whitelist.SCHEMA_VERSION);
    }
    return whitelist;
  }

  public static Whitelist read(Path file) throws MoatException {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new MoatException(Failure.NOT_FOUND, "whitelist " + file + " does not exist", "run `moat whitelist learn IMAGE -o " + file + "` first");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read whitelist " + file + ": " + e.getMessage(), "check the path and its permissions");
    }
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a whitelist. */
  public static void write(Whitelist whitelist, Path file) throws MoatException {
    Path absolute = file.toAbsolutePath();
    try {
      Path dir = absolute.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
      try {
        Files.write(tmp, toBytes(whitelist));
        Files.move(tmp, absolute, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write whitelist " + file + ": " + e.getMessage(), "check that the directory is writable");
    }
  }

  private static MoatException invalid(String source, String why) {
    return new MoatException(Failure.INVALID_INPUT, source + " is not a Moat whitelist: " + why, "give a file written by `moat whitelist learn`");
  }
}
