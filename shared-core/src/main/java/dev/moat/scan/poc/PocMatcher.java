package dev.moat.scan.poc;

import dev.moat.scan.ScanResponse;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One matcher: {@code word}, {@code regex}, {@code status} or {@code size}, on a {@link ResponsePart}, its values
 * combined with {@code and}/{@code or}, optionally {@code negative} and {@code case-insensitive}.
 *
 * @param type the kind
 * @param part what it reads (words and regex only)
 * @param and true for {@code condition: and}, false for {@code or} (the default)
 * @param negative true when a match means the template does not match
 * @param caseInsensitive words and regex ignore case
 * @param values the words or regular expressions (variables still unresolved)
 * @param numbers the status codes or sizes
 * @param name the matcher's {@code name}, or a description of it when it has none
 */
public record PocMatcher(Type type, ResponsePart part, boolean and, boolean negative, boolean caseInsensitive, List<String> values,
    List<Integer> numbers, String name) {

  /** The matcher types of the subset. */
  public enum Type {
    WORD,
    REGEX,
    STATUS,
    SIZE
  }

  public PocMatcher {
    values = List.copyOf(values);
    numbers = List.copyOf(numbers);
  }

  boolean matches(ScanResponse response, PocVariables variables) {
    boolean hit = switch (type) {
      case STATUS -> combine(numbers.stream().map(n -> n == response.status()).toList());
      case SIZE -> combine(numbers.stream().map(n -> n == response.body().length).toList());
      case WORD -> {
        String text = caseInsensitive ? part.text(response).toLowerCase(Locale.ROOT) : part.text(response);
        yield combine(values.stream().map(variables::resolve)
            .map(w -> text.contains(caseInsensitive ? w.toLowerCase(Locale.ROOT) : w)).toList());
      }
      case REGEX -> {
        String text = part.text(response);
        int flags = caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        yield combine(values.stream().map(r -> Pattern.compile(variables.resolve(r), flags).matcher(text).find()).toList());
      }
    };
    return hit != negative;
  }

  private boolean combine(List<Boolean> results) {
    return and ? !results.isEmpty() && results.stream().allMatch(b -> b) : results.stream().anyMatch(b -> b);
  }

  /** True when a hit proves the target handled this run's {@code randstr}: the matcher looks for it. */
  boolean provesMarker() {
    return !negative && values.stream().anyMatch(PocVariables::usesRandom);
  }

  /** How the test method names it: {@code word ["[core]"] (and) on body}. */
  String describe() {
    String what = type == Type.STATUS || type == Type.SIZE
        ? numbers.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"))
        : values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]"));
    return (negative ? "not " : "") + type.name().toLowerCase(Locale.ROOT) + " " + what
        + (values.size() + numbers.size() > 1 ? " (" + (and ? "and" : "or") + ")" : "")
        + (type == Type.WORD || type == Type.REGEX ? " on " + part.name().toLowerCase(Locale.ROOT) : "")
        + (name.isEmpty() ? "" : " [" + name + "]");
  }
}
