package dev.moat.scan.check;

/**
 * Whether two response bodies are the same page for a differential check: equal, or within 2 % in length with at
 * least 90 % of the shorter one shared as a common prefix and suffix (a token, a timestamp or a reflected value in
 * the middle does not make two pages different).
 */
final class ResponseSimilarity {

  private ResponseSimilarity() {}

  static boolean similar(String x, String y) {
    if (x.equals(y)) {
      return true;
    }
    int max = Math.max(x.length(), y.length());
    return max > 0 && Math.abs(x.length() - y.length()) * 50 <= max && sharedEnds(x, y) * 10 >= Math.min(x.length(), y.length()) * 9;
  }

  private static int sharedEnds(String x, String y) {
    int n = Math.min(x.length(), y.length());
    int i = 0;
    while (i < n && x.charAt(i) == y.charAt(i)) {
      i++;
    }
    int j = 0;
    while (j < n - i && x.charAt(x.length() - 1 - j) == y.charAt(y.length() - 1 - j)) {
      j++;
    }
    return i + j;
  }
}
