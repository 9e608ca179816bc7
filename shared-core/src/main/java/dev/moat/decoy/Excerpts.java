package dev.moat.decoy;

/** Bounded, printable excerpts of attacker input: control characters escaped, long input cut with a marker. */
public final class Excerpts {

  private Excerpts() {}

  public static String printable(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= max && text.length() > 0) {
      out.setLength(max);
      out.append("…[cut]");
    }
    return out.toString();
  }

  public static String printable(byte[] bytes, int max) {
    int n = Math.min(bytes.length, max * 4);
    return printable(new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1), max);
  }
}
