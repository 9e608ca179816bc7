package dev.moat.decoy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Redis 7.0 without authentication, the classic unauthorised-access target. It answers from canned data and a
 * small keyspace private to each connection; it never writes a file, never loads a module, never evaluates a
 * script and never connects to a "master": those commands are answered as Redis would and raise alerts.
 */
public final class RedisDecoy implements StreamEmulator {

  static final String VERSION = "7.0.15";
  private static final int MAX_KEYS = 1000;

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("redis", "unauthorised access", "Redis " + VERSION + " without authentication (RESP2, inline commands)", 6379,
        List.of("redis.config_set — CONFIG SET (CRITICAL for dir/dbfilename: the cron/SSH-key write attack), T1190",
            "redis.replicaof — SLAVEOF/REPLICAOF (CRITICAL: rogue-master module loading), T1105",
            "redis.module_load — MODULE LOAD (CRITICAL), T1505",
            "redis.eval — EVAL, EVALSHA, SCRIPT, FUNCTION (HIGH), T1059",
            "redis.destructive — FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG, SAVE, BGSAVE (HIGH), T1485",
            "redis.write — SET (MEDIUM), T1565",
            "redis.info, redis.config_get, redis.keys, redis.client_list — reconnaissance (LOW), T1082",
            "redis.unknown_command, redis.protocol_error — anything else (LOW)",
            "redis.connect — every connection (INFO)"));
  }

  @Override
  public Session open(Interaction interaction, Output output) {
    return new RedisSession(interaction, output);
  }

  private static final class RedisSession implements Session {

    private final Interaction interaction;
    private final Output output;
    private final RespReader reader = new RespReader();
    private final Map<String, String> keys = new TreeMap<>(Map.of(
        "session:8f3a", "{\"user\":\"admin\",\"role\":\"superuser\"}",
        "cache:config", "{\"db_host\":\"10.0.12.4\",\"db_user\":\"app\"}",
        "queue:emails", "12"));
    private final Map<String, String> config = new LinkedHashMap<>();
    private String clientName = "";
    private boolean closed;

    RedisSession(Interaction interaction, Output output) {
      this.interaction = interaction;
      this.output = output;
      config.put("dir", "/data");
      config.put("dbfilename", "dump.rdb");
      config.put("maxmemory", "0");
      config.put("maxmemory-policy", "noeviction");
      config.put("appendonly", "no");
      config.put("bind", "* -::*");
      config.put("protected-mode", "no");
      config.put("port", "6379");
      config.put("requirepass", "");
      config.put("save", "3600 1 300 100 60 10000");
    }

    @Override
    public void onData(ByteBuffer data) {
      if (closed) {
        return;
      }
      List<List<String>> commands;
      try {
        commands = reader.feed(data);
      } catch (RespReader.ProtocolError e) {
        interaction.alert("redis.protocol_error", AlertSeverity.LOW, null, e.getMessage(), Map.of());
        output.write(("-ERR Protocol error: " + e.getMessage() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        output.close();
        closed = true;
        return;
      }
      StringBuilder reply = new StringBuilder();
      for (List<String> command : commands) {
        reply.append(answer(command));
        if (closed) {
          break;
        }
      }
      if (reply.length() > 0) {
        output.write(reply.toString().getBytes(StandardCharsets.ISO_8859_1));
      }
      if (closed) {
        output.close();
      }
    }

    private String answer(List<String> args) {
      String name = args.get(0).toLowerCase(Locale.ROOT);
      String excerpt = String.join(" ", args);
      switch (name) {
        case "ping":
          return args.size() > 1 ? bulk(args.get(1)) : "+PONG\r\n";
        case "echo":
          return args.size() == 2 ? bulk(args.get(1)) : wrongArgs(name);
        case "quit":
          closed = true;
          return "+OK\r\n";
        case "auth":
          return "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n";
        case "select":
          return "+OK\r\n";
        case "info":
          recon("redis.info", excerpt);
          return bulk(info());
        case "dbsize":
          return ":" + keys.size() + "\r\n";
        case "keys":
          if (args.size() != 2) {
            return wrongArgs(name);
          }
          recon("redis.keys", excerpt);
          Pattern glob = glob(args.get(1));
          return array(keys.keySet().stream().filter(k -> glob.matcher(k).matches()).toList());
        case "get":
          if (args.size() != 2) {
            return wrongArgs(name);
          }
          return keys.containsKey(args.get(1)) ? bulk(keys.get(args.get(1))) : "$-1\r\n";
        case "set":
          if (args.size() < 3) {
            return wrongArgs(name);
          }
          if (keys.size() < MAX_KEYS || keys.containsKey(args.get(1))) {
            keys.put(args.get(1), args.get(2));
          }
          interaction.alert("redis.write", AlertSeverity.MEDIUM, "T1565", excerpt, Map.of("key", args.get(1)));
          return "+OK\r\n";
        case "del":
        case "exists":
          if (args.size() < 2) {
            return wrongArgs(name);
          }
          long n = args.subList(1, args.size()).stream().filter(keys::containsKey).count();
          if (name.equals("del")) {
            args.subList(1, args.size()).forEach(keys::remove);
          }
          return ":" + n + "\r\n";
        case "type":
          return args.size() == 2 ? (keys.containsKey(args.get(1)) ? "+string\r\n" : "+none\r\n") : wrongArgs(name);
        case "ttl":
          return args.size() == 2 ? (keys.containsKey(args.get(1)) ? ":-1\r\n" : ":-2\r\n") : wrongArgs(name);
        case "client":
          return client(args, excerpt);
        case "config":
          return config(args, excerpt);
        case "command":
          return "*0\r\n";
        case "slaveof":
        case "replicaof":
          if (args.size() != 3) {
            return wrongArgs(name);
          }
          interaction.alert("redis.replicaof", AlertSeverity.CRITICAL, "T1105", excerpt,
              Map.of("command", name, "master_host", args.get(1), "master_port", args.get(2)));
          return "+OK\r\n";
        case "module":
          interaction.alert("redis.module_load", AlertSeverity.CRITICAL, "T1505", excerpt, Map.of("command", name));
          return args.size() >= 3 && args.get(1).equalsIgnoreCase("load") ? "-ERR Error loading the extension. Please check the server logs.\r\n"
              : "*0\r\n";
        case "eval":
        case "evalsha":
        case "script":
        case "function":
        case "fcall":
          interaction.alert("redis.eval", AlertSeverity.HIGH, "T1059", excerpt, Map.of("command", name));
          return name.equals("evalsha") ? "-NOSCRIPT No matching script. Please use EVAL.\r\n" : "$-1\r\n";
        case "flushall":
        case "flushdb":
        case "save":
        case "bgsave":
        case "debug":
          interaction.alert("redis.destructive", AlertSeverity.HIGH, "T1485", excerpt, Map.of("command", name));
          return name.equals("bgsave") ? "+Background saving started\r\n" : "+OK\r\n";
        case "shutdown":
          interaction.alert("redis.destructive", AlertSeverity.HIGH, "T1489", excerpt, Map.of("command", name));
          closed = true;
          return "";
        default:
          interaction.alert("redis.unknown_command", AlertSeverity.LOW, null, excerpt, Map.of("command", name));
          StringBuilder rest = new StringBuilder();
          for (String a : args.subList(1, Math.min(args.size(), 6))) {
            rest.append('\'').append(a).append("' ");
          }
          return "-ERR unknown command '" + args.get(0) + "', with args beginning with: " + rest + "\r\n";
      }
    }

    private String client(List<String> args, String excerpt) {
      String sub = args.size() > 1 ? args.get(1).toLowerCase(Locale.ROOT) : "";
      switch (sub) {
        case "setname":
          clientName = args.size() > 2 ? args.get(2) : "";
          return "+OK\r\n";
        case "getname":
          return clientName.isEmpty() ? "$-1\r\n" : bulk(clientName);
        case "list":
        case "info":
          recon("redis.client_list", excerpt);
          return bulk("id=7 addr=" + interaction.sourceIp() + ":" + interaction.sourcePort() + " laddr=10.0.12.9:6379 fd=8 name=" + clientName
              + " age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0"
              + " obl=0 oll=0 omem=0 tot-mem=22298 events=r cmd=client|list user=default redir=-1 resp=2\n");
        default:
          return "+OK\r\n";
      }
    }

    private String config(List<String> args, String excerpt) {
      String sub = args.size() > 1 ? args.get(1).toLowerCase(Locale.ROOT) : "";
      if (sub.equals("get") && args.size() >= 3) {
        recon("redis.config_get", excerpt);
        List<String> out = new ArrayList<>();
        for (String pattern : args.subList(2, args.size())) {
          Pattern glob = glob(pattern.toLowerCase(Locale.ROOT));
          config.forEach((k, v) -> {
            if (glob.matcher(k).matches()) {
              out.add(k);
              out.add(v);
            }
          });
        }
        return array(out);
      }
      if (sub.equals("set") && args.size() >= 4) {
        String parameter = args.get(2).toLowerCase(Locale.ROOT);
        boolean fileWrite = parameter.equals("dir") || parameter.equals("dbfilename");
        interaction.alert("redis.config_set", fileWrite ? AlertSeverity.CRITICAL : AlertSeverity.HIGH, "T1190", excerpt,
            Map.of("parameter", parameter, "value", args.get(3)));
        if (config.containsKey(parameter)) {
          config.put(parameter, args.get(3));
          return "+OK\r\n";
        }
        return "-ERR Unknown option or number of arguments for CONFIG SET - '" + args.get(2) + "'\r\n";
      }
      if (sub.equals("resetstat") || sub.equals("rewrite")) {
        interaction.alert("redis.config_set", AlertSeverity.HIGH, "T1190", excerpt, Map.of("parameter", sub));
        return "+OK\r\n";
      }
      return "-ERR unknown subcommand or wrong number of arguments for '" + (args.size() > 1 ? args.get(1) : "") + "'. Try CONFIG HELP.\r\n";
    }

    private void recon(String action, String excerpt) {
      interaction.alert(action, AlertSeverity.LOW, "T1082", excerpt, Map.of());
    }

    private String info() {
      return "# Server\r\nredis_version:" + VERSION + "\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:7e3b9b1d6f4cfa5e\r\n"
          + "redis_mode:standalone\r\nos:Linux 5.15.0-105-generic x86_64\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\n"
          + "multiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\ngcc_version:12.2.0\r\nprocess_id:1\r\nprocess_supervised:no\r\n"
          + "run_id:5f1c0f7e0e3b4a2d9c8e6b1a2f3d4c5b6a7e8f90\r\ntcp_port:6379\r\nuptime_in_seconds:1843211\r\nuptime_in_days:21\r\nhz:10\r\n"
          + "configured_hz:10\r\nexecutable:/usr/local/bin/redis-server\r\nconfig_file:\r\n\r\n"
          + "# Clients\r\nconnected_clients:3\r\ncluster_connections:0\r\nmaxclients:10000\r\nblocked_clients:0\r\n\r\n"
          + "# Memory\r\nused_memory:1318400\r\nused_memory_human:1.26M\r\nused_memory_peak:2207144\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n\r\n"
          + "# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:17\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:1763700000\r\n"
          + "aof_enabled:0\r\n\r\n"
          + "# Stats\r\ntotal_connections_received:1284\r\ntotal_commands_processed:98211\r\nrejected_connections:0\r\n\r\n"
          + "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:9c1e5f0d3a7b2e4f6c8d0a1b3c5e7f9a2b4d6e8f\r\nmaster_repl_offset:0\r\n\r\n"
          + "# CPU\r\nused_cpu_sys:312.51\r\nused_cpu_user:401.22\r\n\r\n"
          + "# Keyspace\r\ndb0:keys=" + keys.size() + ",expires=0,avg_ttl=0\r\n";
    }
  }

  static String bulk(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
    return "$" + bytes.length + "\r\n" + value + "\r\n";
  }

  static String array(List<String> values) {
    StringBuilder out = new StringBuilder("*").append(values.size()).append("\r\n");
    values.forEach(v -> out.append(bulk(v)));
    return out.toString();
  }

  static String wrongArgs(String command) {
    return "-ERR wrong number of arguments for '" + command + "' command\r\n";
  }

  /** A Redis glob ({@code *}, {@code ?}, {@code [abc]}) as a regular expression; everything else literal. */
  static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[' || c == ']') {
        regex.append(c);
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return Pattern.compile(regex.toString(), Pattern.DOTALL);
    } catch (java.util.regex.PatternSyntaxException e) {
      return Pattern.compile(Pattern.quote(glob));
    }
  }
}
