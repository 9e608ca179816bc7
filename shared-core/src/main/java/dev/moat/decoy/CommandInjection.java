package dev.moat.decoy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds commands injected into a shell argument ({@code 8.8.8.8;id}, {@code x|cat /etc/passwd}, {@code $(whoami)},
 * backticks, {@code &&}, {@code ||}, newlines) by reading the text. Never hands anything to a shell.
 *
 * @param argument what the application meant to pass (the host before the first metacharacter)
 * @param commands the injected commands, in order; empty when there is no injection
 */
public record CommandInjection(String argument, List<String> commands) {

  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\(([^)]*)\\)|`([^`]*)`");
  private static final Pattern SEPARATOR = Pattern.compile("\\|\\||&&|[;|&\\n\\r]");

  public CommandInjection {
    commands = List.copyOf(commands);
  }

  public boolean injected() {
    return !commands.isEmpty();
  }

  /** Reads an argument that was meant to be a plain value. {@code %0a} and friends are decoded first. */
  public static CommandInjection parse(String value) {
    String text = Decoding.percentDecode(value, false);
    List<String> commands = new ArrayList<>();
    Matcher substitution = SUBSTITUTION.matcher(text);
    StringBuilder rest = new StringBuilder();
    while (substitution.find()) {
      String inner = substitution.group(1) != null ? substitution.group(1) : substitution.group(2);
      if (!inner.isBlank()) {
        commands.add(inner.trim());
      }
      substitution.appendReplacement(rest, "");
    }
    substitution.appendTail(rest);
    String[] parts = SEPARATOR.split(rest.toString(), -1);
    String argument = parts[0].trim();
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].isBlank()) {
        commands.add(parts[i].trim());
      }
    }
    boolean separated = parts.length > 1;
    if (separated && commands.isEmpty()) {
      commands.add("");
    }
    return new CommandInjection(argument, commands);
  }
}
