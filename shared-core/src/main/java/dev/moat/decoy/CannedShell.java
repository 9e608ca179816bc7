package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Canned answers to shell command lines, as text only: {@code id}, {@code whoami}, {@code uname -a}, {@code cat},
 * {@code ls}, {@code pwd}, {@code hostname}, {@code echo}, {@code cd}; anything else is "not found". It never runs a
 * command: it looks the first word up in a fixed table and answers from the {@link FakeFilesystem}.
 */
public final class CannedShell {

  private final FakeFilesystem fs;
  private final String user;
  private final String shellName;
  private String cwd;

  /**
   * @param user {@code root} or {@code www-data}: changes id and whoami
   * @param shellName how "not found" is spelled: {@code sh: 1} for a web app's {@code sh -c}, {@code -bash} for SSH
   */
  public CannedShell(FakeFilesystem fs, String user, String home, String shellName) {
    this.fs = fs;
    this.user = user;
    this.cwd = home;
    this.shellName = shellName;
  }

  public String workingDirectory() {
    return cwd;
  }

  /** The output of one simple command (no pipes or separators), ending with a newline when not empty. */
  public String answer(String commandLine) {
    List<String> words = words(commandLine.trim());
    if (words.isEmpty()) {
      return "";
    }
    String command = words.get(0);
    int slash = command.lastIndexOf('/');
    String name = slash >= 0 ? command.substring(slash + 1) : command;
    List<String> args = words.subList(1, words.size());
    switch (name) {
      case "id":
        return id() + "\n";
      case "whoami":
        return user + "\n";
      case "uname":
        return args.contains("-a")
            ? "Linux " + fs.hostname() + " 5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n"
            : "Linux\n";
      case "hostname":
        return fs.hostname() + "\n";
      case "pwd":
        return cwd + "\n";
      case "echo":
        return String.join(" ", args) + "\n";
      case "cd":
        return cd(args.isEmpty() ? home() : args.get(0));
      case "ls":
        return ls(args);
      case "cat":
      case "head":
      case "tail":
      case "more":
      case "less":
        return cat(name, args);
      case "true":
      case "exit":
      case "logout":
        return "";
      default:
        return shellName + ": " + command + ": " + (shellName.startsWith("-") ? "command not found" : "not found") + "\n";
    }
  }

  private String home() {
    return user.equals("root") ? "/root" : "/var/www";
  }

  private String id() {
    if (user.equals("root")) {
      return "uid=0(root) gid=0(root) groups=0(root)";
    }
    if (user.equals("jenkins")) {
      return "uid=111(jenkins) gid=118(jenkins) groups=118(jenkins)";
    }
    return "uid=33(www-data) gid=33(www-data) groups=33(www-data)";
  }

  private String cd(String target) {
    String resolved = FakeFilesystem.resolve(cwd, target);
    if (!fs.isDirectory(resolved)) {
      return shellName + ": cd: " + target + ": No such file or directory\n";
    }
    cwd = resolved;
    return "";
  }

  private String ls(List<String> args) {
    List<String> dirs = new ArrayList<>();
    for (String a : args) {
      if (!a.startsWith("-")) {
        dirs.add(a);
      }
    }
    if (dirs.isEmpty()) {
      dirs.add(".");
    }
    StringBuilder out = new StringBuilder();
    for (String d : dirs) {
      String resolved = FakeFilesystem.resolve(cwd, d);
      if (fs.read(resolved).isPresent()) {
        out.append(d).append('\n');
      } else if (fs.isDirectory(resolved)) {
        List<String> names = fs.list(resolved);
        if (!names.isEmpty()) {
          out.append(String.join("  ", names)).append('\n');
        }
      } else {
        out.append("ls: cannot access '").append(d).append("': No such file or directory\n");
      }
    }
    return out.toString();
  }

  private String cat(String name, List<String> args) {
    StringBuilder out = new StringBuilder();
    for (String a : args) {
      if (a.startsWith("-")) {
        continue;
      }
      String resolved = FakeFilesystem.resolve(cwd, a);
      Optional<byte[]> content = fs.read(resolved);
      if (content.isPresent()) {
        out.append(new String(content.get(), StandardCharsets.UTF_8));
      } else if (fs.permissionDenied(resolved) && !user.equals("root")) {
        out.append(name).append(": ").append(a).append(": Permission denied\n");
      } else if (fs.isDirectory(resolved)) {
        out.append(name).append(": ").append(a).append(": Is a directory\n");
      } else {
        out.append(name).append(": ").append(a).append(": No such file or directory\n");
      }
    }
    return out.toString();
  }

  /** Splits on blanks, honouring simple single and double quotes. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
