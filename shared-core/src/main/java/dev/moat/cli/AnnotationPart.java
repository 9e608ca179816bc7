package dev.moat.cli;

import picocli.CommandLine;

/**
 * The key and the value of a {@code -a KEY=VALUE} annotation, each trimmed, so that {@code -a "env = prod"} means
 * what the Jenkins steps read it as ({@code env=prod}). An empty key is refused: it would never match.
 */
final class AnnotationPart {

  private AnnotationPart() {}

  /** Converts keys. */
  static final class Key implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String key = value.trim();
      if (key.isEmpty()) {
        throw new CommandLine.TypeConversionException("an annotation needs a key: write KEY=VALUE");
      }
      return key;
    }
  }

  /** Converts values. */
  static final class Value implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return value.trim();
    }
  }
}
