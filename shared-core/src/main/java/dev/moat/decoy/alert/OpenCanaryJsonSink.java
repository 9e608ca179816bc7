package dev.moat.decoy.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.decoy.Alert;
import java.io.OutputStream;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Alerts as JSON lines in OpenCanary's alert shape ({@code dst_host, dst_port, local_time, local_time_adjusted,
 * logdata, logtype, node_id, src_host, src_port, utc_time}, keys sorted as OpenCanary's logger writes them).
 * {@code logtype} uses OpenCanary's numeric codes (opencanary/logger.py, LoggerBase).
 */
public final class OpenCanaryJsonSink extends JsonLinesSink {

  /** OpenCanary's LoggerBase codes used here. */
  static final int LOG_FTP_LOGIN_ATTEMPT = 2000;
  static final int LOG_HTTP_GET = 3000;
  static final int LOG_HTTP_POST_LOGIN_ATTEMPT = 3001;
  static final int LOG_SSH_NEW_CONNECTION = 4000;
  static final int LOG_SSH_LOGIN_ATTEMPT = 4002;
  static final int LOG_TELNET_LOGIN_ATTEMPT = 6001;
  static final int LOG_MYSQL_LOGIN_ATTEMPT = 8001;
  static final int LOG_GIT_CLONE_REQUEST = 16001;
  static final int LOG_REDIS_COMMAND = 17001;
  static final int LOG_TCP_BANNER_DATA_RECEIVED = 18005;
  static final int LOG_USER_0 = 99000;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final String nodeId;

  public OpenCanaryJsonSink(String name, OutputStream out, String nodeId) {
    super(name, out);
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
  }

  @Override
  String line(SpooledAlert alert) {
    return render(alert, nodeId);
  }

  /** OpenCanary's logtype for an alert: by protocol, login attempts where the action says so; LOG_USER_0 otherwise. */
  public static int logtype(Alert a) {
    String protocol = a.protocol() == null ? "" : a.protocol().toLowerCase(Locale.ROOT);
    boolean login = a.action().contains("login") || a.action().contains("auth");
    switch (protocol) {
      case "redis":
        return LOG_REDIS_COMMAND;
      case "http":
        return login ? LOG_HTTP_POST_LOGIN_ATTEMPT : LOG_HTTP_GET;
      case "ssh":
        return login ? LOG_SSH_LOGIN_ATTEMPT : LOG_SSH_NEW_CONNECTION;
      case "ftp":
        return LOG_FTP_LOGIN_ATTEMPT;
      case "telnet":
        return LOG_TELNET_LOGIN_ATTEMPT;
      case "mysql":
        return LOG_MYSQL_LOGIN_ATTEMPT;
      case "git":
        return LOG_GIT_CLONE_REQUEST;
      case "tcp":
        return LOG_TCP_BANNER_DATA_RECEIVED;
      default:
        return LOG_USER_0;
    }
  }

  public static String render(SpooledAlert spooled, String nodeId) {
    Alert a = spooled.alert();
    String utc = TIME.format(a.time().atZone(ZoneOffset.UTC));
    ObjectNode n = AlertJson.MAPPER.createObjectNode();
    n.put("dst_host", a.fields().getOrDefault("dst_host", ""));
    n.put("dst_port", parsePort(a.fields().get("dst_port")));
    // OpenCanary writes UTC into local_time too and the host's zone into local_time_adjusted; so do we.
    n.put("local_time", utc);
    n.put("local_time_adjusted", TIME.format(a.time().atZone(ZoneId.systemDefault())));
    ObjectNode logdata = n.putObject("logdata");
    logdata.put("ACTION", a.action());
    logdata.put("COUNT", a.count());
    logdata.put("DECOY", a.decoyName());
    logdata.put("DECOY_TYPE", a.decoyType());
    logdata.put("EXCERPT", a.excerpt());
    logdata.put("ID", spooled.id());
    if (a.mitreTechnique() != null) {
      logdata.put("MITRE", a.mitreTechnique());
    }
    if (a.namespace() != null) {
      logdata.put("NAMESPACE", a.namespace());
    }
    if (a.service() != null) {
      logdata.put("SERVICE", a.service());
    }
    logdata.put("SEVERITY", a.severity().jsonName());
    new TreeMap<>(a.fields()).forEach((k, v) -> logdata.put(k.toUpperCase(Locale.ROOT), v));
    n.put("logtype", logtype(a));
    n.put("node_id", nodeId);
    n.put("src_host", a.sourceIp() == null ? "" : a.sourceIp());
    n.put("src_port", a.sourcePort());
    n.put("utc_time", utc);
    return n.toString();
  }

  private static int parsePort(String text) {
    try {
      return text == null ? -1 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
