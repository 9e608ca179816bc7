package dev.moat.decoy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redis 7.0.15 without authentication, speaking RESP2 (and RESP3 after {@code HELLO 3}, as Redis 7 does). Reads and
 * listings come from a small canned keyspace; writes change only the connection's own bounded view; every risky
 * command raises an alert and nothing is ever executed, evaluated, loaded or connected to.
 */
public final class RedisDecoy implements StreamEmulator {

  static final int MAX_BULK = 512 * 1024;
  static final int MAX_MULTIBULK = 1024;
  static final int MAX_INLINE = 64 * 1024;
  static final int MAX_KEYS = 1000;

  private static final Map<String, String> CANNED_KEYS = cannedKeys();
  private static final Map<String, String> CONFIG = cannedConfig();

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("redis", "unauthorised access", "Redis 7.0.15 without auth (RESP2/RESP3)", 6379, List.of(
        "CONFIG SET: redis.config_set HIGH T1190; of dir/dbfilename (file-write attack): CRITICAL T1505",
        "SLAVEOF/REPLICAOF host port: redis.replicaof CRITICAL T1190 (never connects)",
        "MODULE LOAD: redis.module_load CRITICAL T1059",
        "EVAL/EVALSHA/SCRIPT/FUNCTION: redis.eval HIGH T1059 (never evaluated)",
        "FLUSHALL/FLUSHDB/SHUTDOWN/DEBUG: redis.destructive HIGH T1485; SAVE/BGSAVE: redis.save HIGH T1505",
        "KEYS/GET of canned data: redis.data_read MEDIUM T1530",
        "protocol garbage: redis.protocol_error LOW"));
  }

  @Override
  public Session open(Interaction interaction, Output output) {
    return new RedisSession(interaction, output);
  }

  private static final class RedisSession implements Session {
    private final Interaction interaction;
    private final Output output;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Map<String, String> keys = new LinkedHashMap<>(CANNED_KEYS);
    private boolean resp3;
    private boolean closed;
    private boolean readAlerted;

    RedisSession(Interaction interaction, Output output) {
      this.interaction = interaction;
      this.output = output;
    }

    @Override
    public void onData(ByteBuffer data) {
      if (closed) {
        return;
      }
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      pending.write(chunk, 0, chunk.length);
      byte[] buf = pending.toByteArray();
      int pos = 0;
      while (!closed && pos < buf.length) {
        ParseResult parsed = parse(buf, pos);
        if (parsed == null) {
          break;
        }
        if (parsed.error != null) {
          protocolError(parsed.error, buf, pos);
          return;
        }
        pos = parsed.next;
        if (!parsed.args.isEmpty()) {
          execute(parsed.args);
        }
      }
      pending.reset();
      if (!closed && pos < buf.length) {
        if (buf.length - pos > MAX_BULK + MAX_INLINE) {
          protocolError("too big request", buf, pos);
          return;
        }
        pending.write(buf, pos, buf.length - pos);
      }
    }

    private void protocolError(String message, byte[] buf, int pos) {
      closed = true;
      byte[] rest = new byte[Math.min(buf.length - pos, 256)];
      System.arraycopy(buf, pos, rest, 0, rest.length);
      interaction.alert("redis.protocol_error", AlertSeverity.LOW, null, Excerpts.printable(rest, 256),
          Map.of("error", message));
      output.write(("-ERR Protocol error: " + message + "\r\n").getBytes(StandardCharsets.UTF_8));
      output.close();
    }

    private void execute(List<byte[]> args) {
      String name = str(args.get(0));
      String cmd = name.toUpperCase(Locale.ROOT);
      String excerpt = excerpt(args);
      switch (cmd) {
        case "PING" -> {
          if (args.size() > 2) {
            wrongArgs(name);
          } else if (args.size() == 2) {
            bulk(args.get(1));
          } else {
            simple("PONG");
          }
        }
        case "ECHO" -> {
          if (args.size() != 2) {
            wrongArgs(name);
          } else {
            bulk(args.get(1));
          }
        }
        case "HELLO" -> hello(args);
        case "AUTH" -> raw("-ERR AUTH <password> called without any password configured for the default user. "
            + "Are you sure your configuration is correct?\r\n");
        case "QUIT" -> {
          simple("OK");
          closed = true;
          output.close();
        }
        case "INFO" -> bulk(RedisInfo.text(args.size() > 1 ? str(args.get(1)) : "default"));
        case "CONFIG" -> config(args, name, excerpt);
        case "KEYS" -> {
          if (args.size() != 2) {
            wrongArgs(name);
            return;
          }
          Pattern glob = Globs.toPattern(str(args.get(1)));
          List<byte[]> found = new ArrayList<>();
          for (String k : keys.keySet()) {
            if (glob.matcher(k).matches()) {
              found.add(k.getBytes(StandardCharsets.UTF_8));
            }
          }
          dataRead(excerpt);
          array(found);
        }
        case "SCAN" -> {
          List<byte[]> all = new ArrayList<>();
          keys.keySet().forEach(k -> all.add(k.getBytes(StandardCharsets.UTF_8)));
          raw("*2\r\n$1\r\n0\r\n");
          array(all);
        }
        case "GET" -> {
          if (args.size() != 2) {
            wrongArgs(name);
            return;
          }
          String value = keys.get(str(args.get(1)));
          dataRead(excerpt);
          if (value == null) {
            nil();
          } else {
            bulk(value);
          }
        }
        case "SET" -> {
          if (args.size() < 3) {
            wrongArgs(name);
            return;
          }
          String key = str(args.get(1));
          if (!keys.containsKey(key) && keys.size() >= MAX_KEYS) {
            raw("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
            return;
          }
          keys.put(key, str(args.get(2)));
          interaction.alert("redis.write", AlertSeverity.MEDIUM, "T1565", excerpt, Map.of("command", cmd, "key", key));
          simple("OK");
        }
        case "DEL", "UNLINK" -> {
          if (args.size() < 2) {
            wrongArgs(name);
            return;
          }
          int removed = 0;
          for (int i = 1; i < args.size(); i++) {
            removed += keys.remove(str(args.get(i))) != null ? 1 : 0;
          }
          integer(removed);
        }
        case "EXISTS" -> {
          if (args.size() < 2) {
            wrongArgs(name);
            return;
          }
          int n = 0;
          for (int i = 1; i < args.size(); i++) {
            n += keys.containsKey(str(args.get(i))) ? 1 : 0;
          }
          integer(n);
        }
        case "TYPE" -> {
          if (args.size() != 2) {
            wrongArgs(name);
            return;
          }
          simple(keys.containsKey(str(args.get(1))) ? "string" : "none");
        }
        case "TTL", "PTTL" -> {
          if (args.size() != 2) {
            wrongArgs(name);
            return;
          }
          integer(keys.containsKey(str(args.get(1))) ? -1 : -2);
        }
        case "SELECT" -> {
          if (args.size() != 2) {
            wrongArgs(name);
            return;
          }
          String db = str(args.get(1));
          if (!db.matches("\\d{1,2}")) {
            raw("-ERR value is not an integer or out of range\r\n");
          } else if (Integer.parseInt(db) >= 16) {
            raw("-ERR DB index is out of range\r\n");
          } else {
            simple("OK");
          }
        }
        case "DBSIZE" -> integer(keys.size());
        case "CLIENT" -> client(args, name);
        case "COMMAND" -> command(args);
        case "SLAVEOF", "REPLICAOF" -> {
          if (args.size() != 3) {
            wrongArgs(name);
            return;
          }
          String host = str(args.get(1));
          String port = str(args.get(2));
          if ("NO".equalsIgnoreCase(host) && "ONE".equalsIgnoreCase(port)) {
            interaction.alert("redis.replicaof", AlertSeverity.HIGH, "T1190", excerpt, Map.of("command", cmd));
          } else {
            interaction.alert("redis.replicaof", AlertSeverity.CRITICAL, "T1190", excerpt,
                Map.of("command", cmd, "master_host", host, "master_port", port));
          }
          simple("OK");
        }
        case "MODULE" -> {
          String sub = args.size() > 1 ? str(args.get(1)).toUpperCase(Locale.ROOT) : "";
          if (sub.equals("LIST")) {
            raw("*0\r\n");
          } else if (sub.startsWith("LOAD")) {
            String path = args.size() > 2 ? str(args.get(2)) : "";
            interaction.alert("redis.module_load", AlertSeverity.CRITICAL, "T1059", excerpt, Map.of("command", cmd, "path", path));
            raw("-ERR Error loading the extension. Please check the server logs.\r\n");
          } else {
            unknownSubcommand(args, name);
          }
        }
        case "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "SCRIPT", "FUNCTION", "FCALL", "FCALL_RO" -> {
          boolean load = cmd.equals("FUNCTION") || cmd.equals("SCRIPT");
          interaction.alert("redis.eval", load ? AlertSeverity.CRITICAL : AlertSeverity.HIGH, "T1059", excerpt, Map.of("command", cmd));
          if (cmd.startsWith("EVALSHA") || cmd.startsWith("FCALL")) {
            raw("-NOSCRIPT No matching script. Please use EVAL.\r\n");
          } else if (cmd.equals("SCRIPT")) {
            bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
          } else if (cmd.equals("FUNCTION")) {
            raw("-ERR Error compiling function.\r\n");
          } else {
            nil();
          }
        }
        case "FLUSHALL", "FLUSHDB" -> {
          interaction.alert("redis.destructive", AlertSeverity.HIGH, "T1485", excerpt, Map.of("command", cmd));
          keys.clear();
          simple("OK");
        }
        case "SHUTDOWN", "DEBUG" -> {
          interaction.alert("redis.destructive", AlertSeverity.HIGH, "T1485", excerpt, Map.of("command", cmd));
          if (cmd.equals("SHUTDOWN")) {
            raw("-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
          } else {
            simple("OK");
          }
        }
        case "SAVE", "BGSAVE" -> {
          interaction.alert("redis.save", AlertSeverity.HIGH, "T1505", excerpt,
              Map.of("command", cmd, "dir", config("dir"), "dbfilename", config("dbfilename")));
          simple(cmd.equals("SAVE") ? "OK" : "Background saving started");
        }
        default -> {
          interaction.alert("redis.unknown_command", AlertSeverity.LOW, null, excerpt, Map.of("command", name));
          StringBuilder sb = new StringBuilder("-ERR unknown command '").append(cut(name)).append("', with args beginning with: ");
          for (int i = 1; i < args.size(); i++) {
            sb.append('\'').append(cut(str(args.get(i)))).append("' ");
          }
          raw(sb.append("\r\n").toString());
        }
      }
    }

    private String config(String key) {
      return keysConfig.getOrDefault(key, "");
    }

    private final Map<String, String> keysConfig = new LinkedHashMap<>(CONFIG);

    private void config(List<byte[]> args, String name, String excerpt) {
      String sub = args.size() > 1 ? str(args.get(1)).toUpperCase(Locale.ROOT) : "";
      switch (sub) {
        case "GET" -> {
          if (args.size() < 3) {
            raw("-ERR wrong number of arguments for 'config|get' command\r\n");
            return;
          }
          Map<String, String> found = new LinkedHashMap<>();
          for (int i = 2; i < args.size(); i++) {
            Pattern glob = Globs.toPattern(str(args.get(i)).toLowerCase(Locale.ROOT));
            keysConfig.forEach((k, v) -> {
              if (glob.matcher(k).matches()) {
                found.put(k, v);
              }
            });
          }
          List<byte[]> flat = new ArrayList<>();
          found.forEach((k, v) -> {
            flat.add(k.getBytes(StandardCharsets.UTF_8));
            flat.add(v.getBytes(StandardCharsets.UTF_8));
          });
          if (resp3) {
            raw("%" + found.size() + "\r\n");
            flat.forEach(this::bulk);
          } else {
            array(flat);
          }
        }
        case "SET" -> {
          if (args.size() < 4 || args.size() % 2 != 0) {
            raw("-ERR wrong number of arguments for 'config|set' command\r\n");
            return;
          }
          Map<String, String> fields = new LinkedHashMap<>();
          boolean fileWrite = false;
          for (int i = 2; i + 1 < args.size(); i += 2) {
            String key = str(args.get(i)).toLowerCase(Locale.ROOT);
            fields.put(key, str(args.get(i + 1)));
            fileWrite |= key.equals("dir") || key.equals("dbfilename");
          }
          for (String key : fields.keySet()) {
            if (!keysConfig.containsKey(key)) {
              interaction.alert("redis.config_set", AlertSeverity.HIGH, "T1190", excerpt, fields);
              raw("-ERR Unknown option or number of arguments for CONFIG SET - '" + cut(key) + "'\r\n");
              return;
            }
          }
          interaction.alert("redis.config_set", fileWrite ? AlertSeverity.CRITICAL : AlertSeverity.HIGH,
              fileWrite ? "T1505" : "T1190", excerpt, fields);
          keysConfig.putAll(fields);
          simple("OK");
        }
        case "RESETSTAT", "REWRITE" -> {
          interaction.alert("redis.config_set", AlertSeverity.HIGH, "T1190", excerpt, Map.of("command", "CONFIG " + sub));
          simple("OK");
        }
        default -> unknownSubcommand(args, name);
      }
    }

    private void client(List<byte[]> args, String name) {
      String sub = args.size() > 1 ? str(args.get(1)).toUpperCase(Locale.ROOT) : "";
      switch (sub) {
        case "LIST" -> bulk("id=3 addr=" + interaction.sourceIp() + ":" + interaction.sourcePort()
            + " laddr=10.0.3.17:6379 fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448"
            + " argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22426 events=r cmd=client|list user=default"
            + " redir=-1 resp=" + (resp3 ? 3 : 2) + "\n");
        case "SETNAME", "SETINFO", "NO-EVICT", "NO-TOUCH", "REPLY" -> simple("OK");
        case "GETNAME" -> nil();
        case "ID" -> integer(3);
        case "INFO" -> bulk("id=3 addr=" + interaction.sourceIp() + ":" + interaction.sourcePort()
            + " laddr=10.0.3.17:6379 fd=8 name= age=0 idle=0 flags=N db=0 cmd=client|info user=default resp=2\n");
        default -> unknownSubcommand(args, name);
      }
    }

    private void command(List<byte[]> args) {
      String sub = args.size() > 1 ? str(args.get(1)).toUpperCase(Locale.ROOT) : "";
      switch (sub) {
        case "COUNT" -> integer(240);
        case "DOCS", "INFO", "" -> raw(resp3 && sub.equals("DOCS") ? "%0\r\n" : "*0\r\n");
        default -> unknownSubcommand(args, "COMMAND");
      }
    }

    private void hello(List<byte[]> args) {
      String version = args.size() > 1 ? str(args.get(1)) : "2";
      if (!version.equals("2") && !version.equals("3")) {
        raw("-NOPROTO unsupported protocol version\r\n");
        return;
      }
      resp3 = version.equals("3");
      String[] pairs = {"server", "redis", "version", "7.0.15", "proto", null, "id", null, "mode", "standalone", "role", "master",
          "modules", null};
      raw(resp3 ? "%7\r\n" : "*14\r\n");
      for (int i = 0; i < pairs.length; i += 2) {
        bulk(pairs[i]);
        switch (pairs[i]) {
          case "proto" -> integer(resp3 ? 3 : 2);
          case "id" -> integer(3);
          case "modules" -> raw("*0\r\n");
          default -> bulk(pairs[i + 1]);
        }
      }
    }

    private void dataRead(String excerpt) {
      if (!readAlerted) {
        readAlerted = true;
        interaction.alert("redis.data_read", AlertSeverity.MEDIUM, "T1530", excerpt, Map.of());
      }
    }

    private void unknownSubcommand(List<byte[]> args, String name) {
      String sub = args.size() > 1 ? str(args.get(1)) : "";
      raw("-ERR unknown subcommand '" + cut(sub) + "'. Try " + name.toUpperCase(Locale.ROOT) + " HELP.\r\n");
    }

    private void wrongArgs(String name) {
      raw("-ERR wrong number of arguments for '" + cut(name.toLowerCase(Locale.ROOT)) + "' command\r\n");
    }

    private void simple(String s) {
      raw("+" + s + "\r\n");
    }

    private void integer(long n) {
      raw(":" + n + "\r\n");
    }

    private void nil() {
      raw(resp3 ? "_\r\n" : "$-1\r\n");
    }

    private void bulk(String s) {
      bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private void bulk(byte[] b) {
      raw("$" + b.length + "\r\n");
      output.write(b);
      raw("\r\n");
    }

    private void array(List<byte[]> items) {
      raw("*" + items.size() + "\r\n");
      items.forEach(this::bulk);
    }

    private void raw(String s) {
      output.write(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record ParseResult(List<byte[]> args, int next, String error) {}

  /** Parses one command at {@code pos}: null when more bytes are needed. */
  static ParseResult parse(byte[] buf, int pos) {
    if (buf[pos] != '*') {
      int eol = indexOf(buf, pos, (byte) '\n');
      if (eol < 0) {
        return buf.length - pos > MAX_INLINE ? new ParseResult(null, 0, "too big inline request") : null;
      }
      String line = new String(buf, pos, eol - pos, StandardCharsets.UTF_8).strip();
      List<byte[]> args = new ArrayList<>();
      for (String part : line.split("\\s+")) {
        if (!part.isEmpty()) {
          args.add(unquote(part).getBytes(StandardCharsets.UTF_8));
        }
      }
      return new ParseResult(args, eol + 1, null);
    }
    int eol = indexOf(buf, pos, (byte) '\n');
    if (eol < 0) {
      return buf.length - pos > 64 ? new ParseResult(null, 0, "invalid multibulk length") : null;
    }
    Long count = number(buf, pos + 1, eol);
    if (count == null || count > MAX_MULTIBULK) {
      return new ParseResult(null, 0, "invalid multibulk length");
    }
    int p = eol + 1;
    List<byte[]> args = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      if (p >= buf.length) {
        return null;
      }
      if (buf[p] != '$') {
        return new ParseResult(null, 0, "expected '$', got '" + Excerpts.printable(String.valueOf((char) (buf[p] & 0xff)), 4) + "'");
      }
      int lineEnd = indexOf(buf, p, (byte) '\n');
      if (lineEnd < 0) {
        return buf.length - p > 64 ? new ParseResult(null, 0, "invalid bulk length") : null;
      }
      Long len = number(buf, p + 1, lineEnd);
      if (len == null || len < 0 || len > MAX_BULK) {
        return new ParseResult(null, 0, "invalid bulk length");
      }
      int start = lineEnd + 1;
      if (buf.length < start + len + 2) {
        return null;
      }
      byte[] arg = new byte[len.intValue()];
      System.arraycopy(buf, start, arg, 0, arg.length);
      args.add(arg);
      p = start + arg.length + 2;
    }
    return new ParseResult(args, p, null);
  }

  private static Long number(byte[] buf, int from, int eol) {
    int end = eol > from && buf[eol - 1] == '\r' ? eol - 1 : eol;
    int digits = end - from - (end > from && buf[from] == '-' ? 1 : 0);
    if (digits < 1 || digits > 10) {
      return null;
    }
    for (int i = end - digits; i < end; i++) {
      if (buf[i] < '0' || buf[i] > '9') {
        return null;
      }
    }
    return Long.parseLong(new String(buf, from, end - from, StandardCharsets.US_ASCII));
  }

  private static int indexOf(byte[] buf, int from, byte b) {
    for (int i = from; i < buf.length; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String unquote(String part) {
    if (part.length() >= 2 && (part.startsWith("\"") && part.endsWith("\"") || part.startsWith("'") && part.endsWith("'"))) {
      return part.substring(1, part.length() - 1);
    }
    return part;
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String cut(String s) {
    return s.length() > 128 ? s.substring(0, 128) : s;
  }

  private static String excerpt(List<byte[]> args) {
    StringBuilder sb = new StringBuilder();
    for (byte[] a : args) {
      if (sb.length() > Alert.MAX_EXCERPT) {
        break;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(Excerpts.printable(a, 200));
    }
    return sb.toString();
  }

  private static Map<String, String> cannedKeys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("session:7f3a9c21", "{\"user\":\"j.miller\",\"role\":\"admin\",\"exp\":1767225600}");
    keys.put("session:0b44e8d2", "{\"user\":\"svc-billing\",\"role\":\"service\",\"exp\":1767225600}");
    keys.put("config:payments:api_key", "sk_live_FAKE0000000000000000000000decoy");
    keys.put("config:smtp:password", "Summer2024!");
    keys.put("cache:user:1001", "{\"id\":1001,\"email\":\"alice@example.com\",\"name\":\"Alice Example\"}");
    keys.put("cache:user:1002", "{\"id\":1002,\"email\":\"bob@example.com\",\"name\":\"Bob Example\"}");
    keys.put("queue:emails:pending", "17");
    keys.put("rate:login:203.0.113.9", "3");
    return keys;
  }

  private static Map<String, String> cannedConfig() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("dir", "/var/lib/redis");
    c.put("dbfilename", "dump.rdb");
    c.put("maxmemory", "0");
    c.put("maxmemory-policy", "noeviction");
    c.put("bind", "* -::*");
    c.put("port", "6379");
    c.put("protected-mode", "no");
    c.put("requirepass", "");
    c.put("masterauth", "");
    c.put("save", "3600 1 300 100 60 10000");
    c.put("appendonly", "no");
    c.put("appendfilename", "appendonly.aof");
    c.put("databases", "16");
    c.put("timeout", "0");
    c.put("tcp-keepalive", "300");
    c.put("daemonize", "no");
    c.put("logfile", "");
    c.put("loglevel", "notice");
    c.put("slave-read-only", "yes");
    c.put("replica-read-only", "yes");
    c.put("enable-module-command", "no");
    c.put("enable-debug-command", "no");
    return c;
  }
}
