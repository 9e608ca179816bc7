package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.decoy.DecoyCatalog;
import dev.moat.decoy.DecoyConfig;
import dev.moat.decoy.DecoyConfigReader;
import dev.moat.decoy.DecoyLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Serve decoys: {@code moat decoy serve}. A long-running process, so there is no stage to run: the caller starts a
 * {@link dev.moat.decoy.DecoyServer} with {@link #config(DecoyCatalog)}, {@link #bind()} and {@link #limits()}.
 *
 * @param decoys catalogue types, {@code type} or {@code type:port}; empty when {@code config} is given
 * @param config a {@code decoys.yaml}; null when {@code decoys} are given
 * @param bind the address to listen on ({@code 127.0.0.1}; {@code 0.0.0.0} in a cluster)
 * @param limits connection cap, timeouts, read limits
 */
public record DecoyServeRequest(List<String> decoys, Path config, String bind, DecoyLimits limits) {

  public DecoyServeRequest {
    decoys = List.copyOf(decoys);
  }

  /** Parameters: decoys (comma or newline separated), config, bind (default 127.0.0.1), max-connections, idle-timeout, request-timeout (seconds). */
  public static DecoyServeRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    List<String> decoys = p.list("decoys");
    String config = p.optional("config", "");
    if (decoys.isEmpty() == config.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "give either decoys or config, not both and not neither",
          "name catalogue types (redis, docker-api:2375) or a decoys.yaml");
    }
    DecoyLimits d = DecoyLimits.defaults();
    int max = p.integer("max-connections", d.maxConnections());
    int idle = p.integer("idle-timeout", (int) d.idleTimeout().toSeconds());
    int request = p.integer("request-timeout", (int) d.requestTimeout().toSeconds());
    if (max < 1 || idle < 1 || request < 1) {
      throw new MoatException(Failure.INVALID_INPUT, "max-connections, idle-timeout and request-timeout must be at least 1",
          "give a positive number (timeouts in seconds)");
    }
    DecoyLimits limits = d.withMaxConnections(max).withTimeouts(Duration.ofSeconds(idle), Duration.ofSeconds(request));
    return new DecoyServeRequest(decoys, config.isEmpty() ? null : Path.of(config), p.optional("bind", "127.0.0.1"), limits);
  }

  /** The decoys to serve, validated. */
  public DecoyConfig config(DecoyCatalog catalog) throws MoatException {
    DecoyConfigReader reader = new DecoyConfigReader(catalog);
    return config == null ? reader.fromArguments(decoys) : reader.read(config);
  }
}
