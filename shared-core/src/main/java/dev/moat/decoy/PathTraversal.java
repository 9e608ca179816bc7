package dev.moat.decoy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises path traversal in a requested file name in any encoding: {@code ../}, {@code ..\}, {@code %2e%2e%2f},
 * double encoding ({@code %252e}), overlong UTF-8 ({@code %c0%ae}), {@code %u002e}, absolute paths, drive letters,
 * NUL bytes. Text only.
 */
public final class PathTraversal {

  private static final Pattern DOT_DOT = Pattern.compile("(^|[/\\\\])\\.\\.([/\\\\]|$)");
  private static final Pattern DRIVE = Pattern.compile("^[a-zA-Z]:[/\\\\]");

  private PathTraversal() {}

  public static boolean detect(String requested) {
    for (String form : Decoding.decodings(requested, 4)) {
      String f = form.toLowerCase(Locale.ROOT).replace("%c0%ae", ".").replace("%c0%af", "/").replace("%c1%9c", "\\")
          .replace("\u00c0\u00ae", ".");
      if (DOT_DOT.matcher(f).find() || f.startsWith("/") || f.startsWith("\\") || DRIVE.matcher(f).find() || f.indexOf('\0') >= 0
          || f.startsWith("file:")) {
        return true;
      }
    }
    return false;
  }

  /** The fully decoded file name, cut at a NUL byte (as C-based file APIs would), for resolving in the fake filesystem. */
  public static String decoded(String requested) {
    java.util.List<String> forms = Decoding.decodings(requested, 4);
    String last = forms.get(forms.size() - 1);
    int nul = last.indexOf('\0');
    return (nul >= 0 ? last.substring(0, nul) : last).replace("\u00c0\u00ae", ".");
  }
}
