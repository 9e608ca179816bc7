package dev.moat.whitelist;

import java.nio.charset.StandardCharsets;

/**
 * Reads the {@code #!} line of a script as the Linux kernel does (fs/binfmt_script.c): only the first
 * {@value #MAX_LINE} bytes count, the line ends at the first newline, the interpreter is the first word
 * after {@code #!} (spaces and tabs skipped), and everything after it, trimmed, is one optional argument.
 */
final class ShebangClassifier {

  /** BINPRM_BUF_SIZE: what the kernel reads of a file to find its format. */
  static final int MAX_LINE = 256;

  private ShebangClassifier() {}

  /** Whether {@code prefix} starts with {@code #!}. */
  static boolean isScript(byte[] prefix, int length) {
    return length >= 2 && prefix[0] == '#' && prefix[1] == '!';
  }

  /** The interpreter and its argument; null when {@code prefix} is no {@code #!} line or names no interpreter. */
  static Shebang parse(byte[] prefix, int length) {
    if (!isScript(prefix, length)) {
      return null;
    }
    int end = Math.min(length, MAX_LINE);
    for (int i = 2; i < end; i++) {
      if (prefix[i] == '\n') {
        end = i;
        break;
      }
    }
    String line = new String(prefix, 2, end - 2, StandardCharsets.UTF_8);
    int start = 0;
    while (start < line.length() && isBlank(line.charAt(start))) {
      start++;
    }
    int stop = start;
    while (stop < line.length() && !isBlank(line.charAt(stop)) && line.charAt(stop) != 0) {
      stop++;
    }
    if (stop == start) {
      return null;
    }
    String rest = line.substring(stop);
    int nul = rest.indexOf('\0');
    rest = trim(nul >= 0 ? rest.substring(0, nul) : rest);
    return new Shebang(line.substring(start, stop), rest.isEmpty() ? null : rest);
  }

  private static String trim(String text) {
    int from = 0;
    int to = text.length();
    while (from < to && isBlank(text.charAt(from))) {
      from++;
    }
    while (to > from && isBlank(text.charAt(to - 1))) {
      to--;
    }
    return text.substring(from, to);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** A {@code #!} line: the interpreter as written and its optional argument. */
  record Shebang(String interpreter, String argument) {}
}
