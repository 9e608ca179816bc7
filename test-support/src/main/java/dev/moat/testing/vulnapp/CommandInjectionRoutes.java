package dev.moat.testing.vulnapp;

import static dev.moat.scan.VulnerabilityClass.COMMAND_INJECTION;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OS command injection under {@code /cmd/}, each with a safe twin under {@code /cmd/safe-}. The vulnerable routes
 * hand {@code ping -c 1 <host>} to a simulated shell — a few lines of string handling that know separators,
 * substitution, {@code echo}, {@code $((a*b))}, {@code sleep n} and Windows {@code set /a} and {@code ping -n n}
 * (which waits n-1 seconds, as the real one does on the loopback). No process is ever started. The blind routes
 * run the same shells but answer only "queued", so only time tells. The safe twins validate the host and answer
 * with the input reflected literally (which must not be a finding).
 */
public final class CommandInjectionRoutes implements VulnerableRoutes {

  private static final Pattern ARITHMETIC = Pattern.compile("\\$\\(\\((\\d+)\\*(\\d+)\\)\\)");

  @Override
  public void register(AppRoutes routes) {
    route(routes, "ping", "host", host -> unixShell("ping -c 1 " + host));
    route(routes, "lookup", "name", host -> unixShell("nslookup " + host.replace(";", "").replace("|", "").replace("&", "")));
    route(routes, "win-ping", "target", host -> windowsShell("ping -n 1 " + host));
    route(routes, "blind-ping", "host", host -> {
      unixShell("ping -c 1 " + host + " >/dev/null 2>&1");
      return "ping queued\n";
    });
    route(routes, "win-blind-ping", "target", host -> {
      windowsShell("ping -n 1 " + host + " >NUL");
      return "ping queued\r\n";
    });
  }

  private static void route(AppRoutes routes, String name, String param, UnaryOperator<String> shell) {
    for (String path : new String[] {"/cmd/" + name, "/cmd/safe-" + name}) {
      boolean vulnerable = !path.contains("/safe-");
      routes.handle("GET", path, req -> {
        String host = req.param(param) == null ? "127.0.0.1" : req.param(param);
        if (vulnerable) {
          return AppResponse.text(shell.apply(host));
        }
        if (path.contains("blind")) {
          return AppResponse.text(host.matches("[A-Za-z0-9.-]+") ? "ping queued\n" : "invalid host\n");
        }
        return AppResponse.text(host.matches("[A-Za-z0-9.-]+") ? "PING " + host + ": 1 packet received\n" : "invalid host: " + host + "\n");
      }).operation("GET", path, OperationJson.withParameter(OperationJson.idFor(path), "query", param, "127.0.0.1"))
          .link("<a href=\"" + path + "?" + param + "=127.0.0.1\">" + path + "</a>");
      if (vulnerable) {
        routes.vulnerable(COMMAND_INJECTION, "GET", path, param);
      } else {
        routes.safe(COMMAND_INJECTION, "GET", path, param);
      }
    }
  }

  /** A pretend POSIX shell: substitutions, then ; && || | separators; understands ping, nslookup and echo. */
  static String unixShell(String line) {
    Matcher sub = Pattern.compile("\\$\\(([^()]*(?:\\(\\([^()]*\\)\\))?[^()]*)\\)|`([^`]*)`").matcher(line);
    StringBuilder expanded = new StringBuilder();
    while (sub.find()) {
      String inner = sub.group(1) != null ? sub.group(1) : sub.group(2);
      sub.appendReplacement(expanded, Matcher.quoteReplacement(unixShell(inner).strip()));
    }
    sub.appendTail(expanded);
    StringBuilder out = new StringBuilder();
    for (String command : expanded.toString().split(";|&&|\\|\\||\\|")) {
      out.append(unixCommand(command.strip()));
    }
    return out.toString();
  }

  private static String unixCommand(String command) {
    if (command.startsWith("echo ")) {
      Matcher m = ARITHMETIC.matcher(command.substring(5));
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Long.toString(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2))));
      }
      m.appendTail(sb);
      return sb + "\n";
    }
    command = command.replaceFirst("\\s*>/dev/null 2>&1$", "");
    Matcher sleep = Pattern.compile("sleep (\\d{1,3})").matcher(command);
    if (sleep.matches()) {
      SimulatedDelay.pause(Long.parseLong(sleep.group(1)));
      return "";
    }
    if (command.startsWith("ping ") || command.startsWith("nslookup ")) {
      return command.substring(command.lastIndexOf(' ') + 1) + ": 1 packet received\n";
    }
    return command.isEmpty() ? "" : "sh: " + command.split(" ")[0] + ": not found\n";
  }

  /** A pretend cmd.exe: & && | separators; understands ping and set /a a*b. */
  static String windowsShell(String line) {
    StringBuilder out = new StringBuilder();
    for (String command : line.split("&&|&|\\|\\||\\|")) {
      String c = command.strip().replaceFirst("(?i)\\s*>NUL$", "");
      Matcher wait = Pattern.compile("(?i)ping -n (\\d{1,3}) 127\\.0\\.0\\.1").matcher(c);
      if (wait.matches()) {
        SimulatedDelay.pause(Long.parseLong(wait.group(1)) - 1);
      }
      Matcher set = Pattern.compile("(?i)set /a (\\d+)\\*(\\d+)").matcher(c);
      if (set.matches()) {
        out.append(Long.parseLong(set.group(1)) * Long.parseLong(set.group(2))).append("\r\n");
      } else if (c.toLowerCase(java.util.Locale.ROOT).startsWith("ping ")) {
        out.append("Reply from ").append(c.substring(c.lastIndexOf(' ') + 1)).append("\r\n");
      } else if (!c.isEmpty()) {
        out.append("'").append(c.split(" ")[0]).append("' is not recognized as an internal or external command\r\n");
      }
    }
    return out.toString();
  }
}
