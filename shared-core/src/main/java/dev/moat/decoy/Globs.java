package dev.moat.decoy;

import java.util.regex.Pattern;

/** Redis-style glob patterns ({@code *}, {@code ?}, {@code [abc]}, backslash escapes) as regular expressions. */
final class Globs {

  private Globs() {}

  static Pattern toPattern(String glob) {
    StringBuilder re = new StringBuilder();
    boolean inClass = false;
    for (int i = 0; i < glob.length() && i < 256; i++) {
      char c = glob.charAt(i);
      if (c == '\\' && i + 1 < glob.length()) {
        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else if (inClass) {
        if (c == ']') {
          inClass = false;
          re.append(']');
        } else if (c == '^' && glob.charAt(i - 1) == '[') {
          re.append('^');
        } else if (c == '-') {
          re.append('-');
        } else {
          re.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
        }
      } else if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == '[' && glob.indexOf(']', i + 1) > i + 1) {
        inClass = true;
        re.append('[');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (inClass) {
      re.append(']');
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }
}
