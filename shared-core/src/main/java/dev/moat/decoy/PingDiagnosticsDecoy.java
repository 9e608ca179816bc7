package dev.moat.decoy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A router-style "network diagnostics" page that pings the host you give it. Commands injected into {@code host}
 * ({@code ;id}, {@code |cat /etc/passwd}, {@code $(whoami)}, backticks, {@code &&}, {@code ||}, newlines) raise
 * {@code http.command_injection} and are answered by a {@link CannedShell}; nothing is ever run.
 */
public final class PingDiagnosticsDecoy implements HttpEmulator {

  private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9.:-]{1,253}");
  private final FakeFilesystem fs;

  public PingDiagnosticsDecoy(FakeFilesystem fs) {
    this.fs = fs;
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("ping-diagnostics", "remote command execution", "a network diagnostics page (ping) that passes host= to a shell", 8080,
        List.of("http.command_injection (CRITICAL, T1059.004): ;, |, &&, ||, $( ), backticks, newline or %0a in host="));
  }

  @Override
  public Map<String, String> serverHeaders() {
    return Map.of("Server", "lighttpd/1.4.59");
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    if (!(path.equals("/") || path.equals("/diagnostics") || path.equals("/ping") || path.equals("/cgi-bin/ping.cgi"))) {
      return HttpReply.html(404, "<html><body><h1>404 - Not Found</h1></body></html>");
    }
    String host = Decoding.parameter(request, "host");
    if (host == null) {
      return HttpReply.html(200, page(""));
    }
    CommandInjection injection = CommandInjection.parse(host);
    StringBuilder output = new StringBuilder();
    String target = injection.argument();
    if (!target.isEmpty() && PLAIN_HOST.matcher(target).matches()) {
      output.append(ping(target));
    } else if (!target.isEmpty()) {
      output.append("ping: ").append(target).append(": Name or service not known\n");
    }
    if (injection.injected()) {
      interaction.alert("http.command_injection", AlertSeverity.CRITICAL, "T1059.004", Excerpts.printable(host, 256),
          Map.of("command", Excerpts.printable(String.join(" ; ", injection.commands()), 256)));
      CannedShell shell = new CannedShell(fs, "www-data", "/var/www/app", "sh: 1");
      for (String command : injection.commands()) {
        output.append(shell.answer(command));
      }
    }
    return HttpReply.html(200, page(output.toString()));
  }

  private static String ping(String host) {
    String ip = host.matches("[0-9.]+") ? host : "93.184.215.14";
    return "PING " + host + " (" + ip + ") 56(84) bytes of data.\n"
        + "64 bytes from " + ip + ": icmp_seq=1 ttl=56 time=11.8 ms\n"
        + "64 bytes from " + ip + ": icmp_seq=2 ttl=56 time=12.1 ms\n"
        + "64 bytes from " + ip + ": icmp_seq=3 ttl=56 time=11.9 ms\n\n"
        + "--- " + host + " ping statistics ---\n"
        + "3 packets transmitted, 3 received, 0% packet loss, time 2003ms\n"
        + "rtt min/avg/max/mdev = 11.812/11.933/12.104/0.125 ms\n";
  }

  private static String page(String output) {
    return "<!DOCTYPE html><html><head><title>Network Diagnostics</title></head><body><h2>Network Diagnostics</h2>"
        + "<form method=\"post\" action=\"/diagnostics\">Host: <input name=\"host\" value=\"\"> <input type=\"submit\" value=\"Ping\"></form>"
        + "<pre>" + FileDownloadDecoy.htmlEscape(output) + "</pre></body></html>";
  }
}
