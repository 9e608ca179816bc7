package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;

/** The port each built-in decoy type's real service listens on: what its Service exposes unless told otherwise. */
final class DecoyPorts {

  private static final Map<String, Integer> USUAL = Map.ofEntries(
      Map.entry("redis", 6379), Map.entry("docker-api", 2375), Map.entry("kubelet", 10250), Map.entry("elasticsearch", 9200),
      Map.entry("etcd", 2379), Map.entry("jenkins", 8080), Map.entry("spring-actuator", 8080), Map.entry("file-download", 80),
      Map.entry("ping-diagnostics", 80), Map.entry("log4shell", 8080), Map.entry("struts2", 8080), Map.entry("ssh", 22));

  private DecoyPorts() {}

  static int usual(String type) throws MoatException {
    Integer port = USUAL.get(type);
    if (port == null) {
      throw new MoatException(Failure.INVALID_INPUT, "decoy type '" + type + "' has no usual port", "give the Service port with --port");
    }
    return port;
  }
}
