package dev.moat.scan.poc;

import dev.moat.scan.ScanResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One extractor: {@code regex} (with {@code group}) on a part, or {@code kval} (response header values by name;
 * {@code -} and {@code _} are the same, case is ignored). What it extracts goes into the finding's test method.
 *
 * @param type the kind
 * @param part what a regex reads
 * @param values the regular expressions, or the header names
 * @param group the regex group taken (0: the whole match)
 * @param name the extractor's {@code name}; may be empty
 */
public record PocExtractor(Type type, ResponsePart part, List<String> values, int group, String name) {

  /** Most values kept per extractor. */
  static final int MAX_VALUES = 10;

  /** The extractor types of the subset. */
  public enum Type {
    REGEX,
    KVAL
  }

  public PocExtractor {
    values = List.copyOf(values);
  }

  List<String> extract(ScanResponse response, PocVariables variables) {
    Set<String> out = new LinkedHashSet<>();
    if (type == Type.KVAL) {
      for (String key : values) {
        String wanted = normal(key);
        response.headers().forEach((k, vs) -> {
          if (normal(k).equals(wanted)) {
            out.addAll(vs);
          }
        });
      }
    } else {
      String text = part.text(response);
      for (String regex : values) {
        Matcher m = Pattern.compile(variables.resolve(regex)).matcher(text);
        while (m.find() && out.size() < MAX_VALUES) {
          if (group <= m.groupCount() && m.group(group) != null) {
            out.add(m.group(group));
          }
        }
      }
    }
    List<String> list = new ArrayList<>(out);
    return list.subList(0, Math.min(MAX_VALUES, list.size()));
  }

  private static String normal(String header) {
    return header.trim().toLowerCase(Locale.ROOT).replace('-', '_');
  }
}
