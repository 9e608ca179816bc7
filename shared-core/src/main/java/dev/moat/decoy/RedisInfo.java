package dev.moat.decoy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The canned {@code INFO} text of a Redis 7.0.15 that has been up for a while, by section. */
final class RedisInfo {

  private RedisInfo() {}

  private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("server", String.join("\r\n",
        "# Server", "redis_version:7.0.15", "redis_git_sha1:00000000", "redis_git_dirty:0", "redis_build_id:9f1c4d2e8a7b3c51",
        "redis_mode:standalone", "os:Linux 5.15.0-105-generic x86_64", "arch_bits:64", "monotonic_clock:POSIX clock_gettime",
        "multiplexing_api:epoll", "atomicvar_api:c11-builtin", "gcc_version:12.2.0", "process_id:1", "process_supervised:no",
        "run_id:4b8e2f7a91c3d05e6f1a2b3c4d5e6f7a8b9c0d1e", "tcp_port:6379", "server_time_usec:1763800000000000",
        "uptime_in_seconds:3456217", "uptime_in_days:40", "hz:10", "configured_hz:10", "lru_clock:9876543",
        "executable:/data/redis-server", "config_file:", "io_threads_active:0"));
    SECTIONS.put("clients", String.join("\r\n",
        "# Clients", "connected_clients:7", "cluster_connections:0", "maxclients:10000", "client_recent_max_input_buffer:20480",
        "client_recent_max_output_buffer:0", "blocked_clients:0", "tracking_clients:0", "clients_in_timeout_table:0"));
    SECTIONS.put("memory", String.join("\r\n",
        "# Memory", "used_memory:2317408", "used_memory_human:2.21M", "used_memory_rss:9637888", "used_memory_rss_human:9.19M",
        "used_memory_peak:3184120", "used_memory_peak_human:3.04M", "used_memory_peak_perc:72.78%", "used_memory_overhead:1012344",
        "used_memory_startup:862704", "used_memory_dataset:1305064", "used_memory_dataset_perc:89.71%",
        "allocator_allocated:2377592", "allocator_active:2727936", "allocator_resident:5505024",
        "total_system_memory:8232448000", "total_system_memory_human:7.67G", "used_memory_lua:31744",
        "used_memory_vm_eval:31744", "used_memory_lua_human:31.00K", "used_memory_scripts_eval:0", "number_of_cached_scripts:0",
        "maxmemory:0", "maxmemory_human:0B", "maxmemory_policy:noeviction", "mem_fragmentation_ratio:4.18",
        "mem_allocator:jemalloc-5.2.1", "active_defrag_running:0", "lazyfree_pending_objects:0"));
    SECTIONS.put("persistence", String.join("\r\n",
        "# Persistence", "loading:0", "async_loading:0", "current_cow_peak:0", "rdb_changes_since_last_save:12",
        "rdb_bgsave_in_progress:0", "rdb_last_save_time:1763796400", "rdb_last_bgsave_status:ok", "rdb_last_bgsave_time_sec:0",
        "rdb_current_bgsave_time_sec:-1", "aof_enabled:0", "aof_rewrite_in_progress:0", "aof_last_bgrewrite_status:ok",
        "aof_last_write_status:ok", "module_fork_in_progress:0", "module_fork_last_cow_size:0"));
    SECTIONS.put("stats", String.join("\r\n",
        "# Stats", "total_connections_received:18342", "total_commands_processed:9217734", "instantaneous_ops_per_sec:14",
        "total_net_input_bytes:512873344", "total_net_output_bytes:1873310261", "instantaneous_input_kbps:0.71",
        "instantaneous_output_kbps:2.93", "rejected_connections:0", "sync_full:0", "sync_partial_ok:0", "sync_partial_err:0",
        "expired_keys:40211", "evicted_keys:0", "keyspace_hits:6120387", "keyspace_misses:881204", "pubsub_channels:0",
        "pubsub_patterns:0", "latest_fork_usec:412", "total_forks:1152", "migrate_cached_sockets:0",
        "total_error_replies:37", "total_reads_processed:9236104", "total_writes_processed:9217768"));
    SECTIONS.put("replication", String.join("\r\n",
        "# Replication", "role:master", "connected_slaves:0", "master_failover_state:no-failover",
        "master_replid:8c2f41d0e9b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3", "master_replid2:0000000000000000000000000000000000000000",
        "master_repl_offset:0", "second_repl_offset:-1", "repl_backlog_active:0", "repl_backlog_size:1048576",
        "repl_backlog_first_byte_offset:0", "repl_backlog_histlen:0"));
    SECTIONS.put("cpu", String.join("\r\n",
        "# CPU", "used_cpu_sys:1843.212345", "used_cpu_user:2210.873120", "used_cpu_sys_children:3.120841",
        "used_cpu_user_children:11.402217", "used_cpu_sys_main_thread:1838.004011", "used_cpu_user_main_thread:2204.118730"));
    SECTIONS.put("modules", "# Modules");
    SECTIONS.put("errorstats", String.join("\r\n", "# Errorstats", "errorstat_ERR:count=37"));
    SECTIONS.put("cluster", String.join("\r\n", "# Cluster", "cluster_enabled:0"));
    SECTIONS.put("keyspace", String.join("\r\n", "# Keyspace", "db0:keys=8,expires=0,avg_ttl=0"));
  }

  /** The INFO text for a section name, {@code default}, {@code all} or {@code everything}; empty for an unknown section. */
  static String text(String section) {
    String s = section.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    SECTIONS.forEach((name, text) -> {
      boolean inDefault = !name.equals("modules") && !name.equals("errorstats") || s.equals("all") || s.equals("everything");
      if (s.equals(name) || (s.equals("default") || s.equals("all") || s.equals("everything")) && inDefault) {
        if (out.length() > 0) {
          out.append("\r\n");
        }
        out.append(text).append("\r\n");
      }
    });
    return out.toString();
  }
}
