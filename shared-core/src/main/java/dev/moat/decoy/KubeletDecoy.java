package dev.moat.decoy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kubelet API on 10250 with anonymous access allowed: pod listings from canned data, {@code /run} answering
 * with canned output and {@code /exec} refusing a request that is not upgraded, as kubelet does. Served over HTTPS by
 * default ({@link #defaultTls()}): like a kubelet started without a serving certificate, the runtime makes a
 * self-signed one for the node the canned pods run on ({@value #NODE_NAME}) and {@code serve} keeps it in its spool
 * across restarts, as a kubelet keeps its own; {@code decoys.yaml} may give its own ({@code tls: {cert, key}}) or turn
 * TLS off ({@code tls: false}).
 */
public final class KubeletDecoy implements HttpEmulator {

  private static final Pattern RUN = Pattern.compile("^/run/([^/]{1,253})/([^/]{1,253})/([^/]{1,253})/?$");
  private static final Pattern STREAMING = Pattern.compile("^/(exec|attach|portForward|cri)/.*");

  /** The node the canned pods are scheduled on ({@code spec.nodeName}); the generated certificate names it. */
  public static final String NODE_NAME = "worker-02";

  private final CannedText canned = new CannedText("kubelet");

  @Override
  public DecoyTls defaultTls() {
    return DecoyTls.generated(NODE_NAME);
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("kubelet", "unauthorised access", "kubelet API (anonymous auth), HTTPS, self-signed certificate", 10250, List.of(
        "POST /run/{ns}/{pod}/{container} cmd=…: kubelet.run CRITICAL T1609 (canned output)",
        "/exec, /attach, /portForward: kubelet.exec CRITICAL T1609",
        "/pods, /runningpods/: kubelet.discovery MEDIUM T1613"));
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    String excerpt = request.method() + " " + request.rawTarget() + " " + new String(request.body(), StandardCharsets.UTF_8);
    if (path.equals("/pods") || path.equals("/pods/") || path.startsWith("/runningpods")) {
      interaction.alert("kubelet.discovery", AlertSeverity.MEDIUM, "T1613", excerpt, Map.of("path", path));
      return HttpReply.json(200, canned.get("pods.json"));
    }
    if (path.equals("/healthz")) {
      return HttpReply.text(200, "ok");
    }
    if (path.equals("/metrics")) {
      return HttpReply.of(200, "text/plain; version=0.0.4; charset=utf-8", canned.get("metrics.txt") + "\n");
    }
    Matcher run = RUN.matcher(path);
    if (run.matches()) {
      if (!request.method().equals("POST")) {
        return HttpReply.text(405, "405: Method Not Allowed");
      }
      String cmd = command(request);
      interaction.alert("kubelet.run", AlertSeverity.CRITICAL, "T1609", excerpt,
          Map.of("namespace", run.group(1), "pod", run.group(2), "container", run.group(3), "cmd", cmd));
      return HttpReply.text(200, cannedOutput(cmd));
    }
    if (STREAMING.matcher(path).matches()) {
      interaction.alert("kubelet.exec", AlertSeverity.CRITICAL, "T1609", excerpt,
          Map.of("path", path, "cmd", String.join(" ", request.query().getOrDefault("command", List.of()))));
      return HttpReply.text(400, "Upgrade request required");
    }
    // Go's http.NotFound, header for header: nmap -sV knows this answer as Go's net/http server
    return HttpReply.text(404, "404 page not found\n").withHeader("X-Content-Type-Options", "nosniff");
  }

  private static String command(HttpRequestView request) {
    String cmd = request.queryParameter("cmd");
    if (cmd == null) {
      for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
        if (pair.startsWith("cmd=")) {
          cmd = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
        }
      }
    }
    return cmd == null ? "" : cmd;
  }

  /** Canned answers for the commands attackers try first; anything else looks like a missing binary. */
  static String cannedOutput(String cmd) {
    String c = cmd.strip();
    if (c.equals("id")) {
      return "uid=0(root) gid=0(root) groups=0(root)\n";
    }
    if (c.equals("whoami")) {
      return "root\n";
    }
    if (c.equals("hostname")) {
      return "payments-api-7d9c5b6f4-x2kqp\n";
    }
    if (c.startsWith("uname")) {
      return "Linux payments-api-7d9c5b6f4-x2kqp 5.15.0-105-generic #115-Ubuntu SMP x86_64 GNU/Linux\n";
    }
    if (c.equals("env") || c.equals("printenv")) {
      return "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=payments-api-7d9c5b6f4-x2kqp\n"
          + "KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nDB_HOST=payments-db\nHOME=/root\n";
    }
    String first = c.isEmpty() ? "" : c.split("\\s+")[0];
    return "OCI runtime exec failed: exec failed: unable to start container process: exec: \"" + Excerpts.printable(first, 64)
        + "\": executable file not found in $PATH: unknown\r\n";
  }
}
