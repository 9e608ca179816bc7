package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one line of a plain list of executed files: {@code /path}, {@code <sha256> /path} (what
 * {@code sha256sum} prints, {@code *} binary marker allowed) or {@code /path <sha256>}. Blank lines and
 * {@code #} comments are the caller's to skip.
 */
final class PathListReader {

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private PathListReader() {}

  static ObservedExecution read(String line, String origin) throws MoatException {
    String text = line.strip();
    String path;
    String sha256 = null;
    String[] first = text.split("\\s+", 2);
    if (first.length == 2 && HEX.matcher(first[0]).matches()) {
      sha256 = first[0];
      path = first[1].startsWith("*") ? first[1].substring(1) : first[1];
    } else {
      int space = lastWhitespace(text);
      if (space > 0 && HEX.matcher(text.substring(space + 1)).matches()) {
        sha256 = text.substring(space + 1);
        path = text.substring(0, space).strip();
      } else {
        path = text;
      }
    }
    if (!path.startsWith("/")) {
      throw new MoatException(Failure.INVALID_INPUT, origin + ": '" + text + "' is not an absolute path",
          "write one executed file per line: /path, '<sha256> /path' or '/path <sha256>'");
    }
    return new ObservedExecution(path, sha256 == null ? null : sha256.toLowerCase(Locale.ROOT), null, null, origin + " (list)", Map.of());
  }

  private static int lastWhitespace(String text) {
    for (int i = text.length() - 1; i >= 0; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
