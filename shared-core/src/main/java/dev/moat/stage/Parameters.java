package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * String parameters as every wrapper has them (a Jenkins step's fields, Tekton params, action inputs), read
 * with errors that name the parameter. Lists are separated by newlines or commas; maps are {@code k=v} items.
 */
public final class Parameters {

  private final Map<String, String> values;

  public Parameters(Map<String, String> values) {
    this.values = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        this.values.put(k, v.trim());
      }
    });
  }

  public String required(String name) throws MoatException {
    String value = values.get(name);
    if (value == null) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is required", "set " + name);
    }
    return value;
  }

  public String optional(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public List<String> list(String name) {
    String value = values.get(name);
    List<String> items = new ArrayList<>();
    if (value != null) {
      for (String item : value.split("[\\n,]")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }

  public Map<String, String> map(String name) throws MoatException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String item : list(name)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "': '" + item + "' is not key=value", "write each as key=value");
      }
      map.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return map;
  }

  public int integer(String name, int fallback) throws MoatException {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is '" + value + "', not a whole number", "give a number such as 1");
    }
  }

  /** A size: a number of bytes, or with K, M, G or T (binary multiples; KiB/KB forms too), e.g. {@code 16G}. */
  public long bytes(String name, long fallback) throws MoatException {
    String value = values.get(name);
    return value == null ? fallback : parseBytes("parameter '" + name + "'", value);
  }

  /** Parses a size given as {@code name} ({@code --max-layer-size}, {@code parameter 'max-layer-size'}); at least 1 byte. */
  public static long parseBytes(String name, String value) throws MoatException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,19})\\s*([KMGT]?)(i?B)?", java.util.regex.Pattern.CASE_INSENSITIVE)
        .matcher(value.trim());
    if (m.matches()) {
      int shift = "KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT)) * 10 + 10;
      if (m.group(2).isEmpty()) {
        shift = 0;
      }
      try {
        long number = Long.parseLong(m.group(1));
        if (number > 0 && number <= (Long.MAX_VALUE >> shift)) {
          return number << shift;
        }
      } catch (NumberFormatException e) {
        // too big: reported below
      }
    }
    throw new MoatException(Failure.INVALID_INPUT, name + " is '" + value + "', not a size", "give a positive size such as 16G, 512M or 1048576");
  }

  /** A duration: a number with ms, s, m or h ({@code 500ms}, {@code 10s}, {@code 2m}); a bare number is seconds. */
  public java.time.Duration duration(String name, java.time.Duration fallback) throws MoatException {
    String value = values.get(name);
    return value == null ? fallback : parseDuration("parameter '" + name + "'", value);
  }

  /** Parses a duration given as {@code name}; zero or more. */
  public static java.time.Duration parseDuration(String name, String value) throws MoatException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?", java.util.regex.Pattern.CASE_INSENSITIVE)
        .matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      return switch (unit) {
        case "ms" -> java.time.Duration.ofMillis(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofSeconds(n);
      };
    }
    throw new MoatException(Failure.INVALID_INPUT, name + " is '" + value + "', not a duration", "give a duration such as 500ms, 10s or 2m");
  }

  public boolean flag(String name) throws MoatException {
    String value = values.getOrDefault(name, "false").toLowerCase(Locale.ROOT);
    switch (value) {
      case "true":
      case "yes":
      case "1":
        return true;
      case "false":
      case "no":
      case "0":
        return false;
      default:
        throw new MoatException(Failure.INVALID_INPUT, "parameter '" + name + "' is '" + value + "', not true or false", "give true or false");
    }
  }
}
