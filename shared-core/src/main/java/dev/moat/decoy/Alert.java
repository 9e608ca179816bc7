package dev.moat.decoy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One suspicious interaction with a decoy.
 *
 * @param time when it happened
 * @param decoyName the decoy's name (from the config: {@code payments-cache})
 * @param decoyType the catalogue type ({@code redis}, {@code docker-api}, {@code http})
 * @param service the Kubernetes Service name it is exposed as; null outside a cluster
 * @param namespace its namespace; null outside a cluster
 * @param sourceIp the peer's address
 * @param sourcePort the peer's port
 * @param protocol {@code redis}, {@code http}, {@code ssh}, {@code tcp}
 * @param action what was attempted, {@code <protocol>.<verb>}: {@code redis.config_set}, {@code http.path_traversal}
 * @param excerpt a bounded, printable excerpt of the request (never more than {@link #MAX_EXCERPT} characters)
 * @param severity how bad it is
 * @param mitreTechnique a MITRE ATT&CK technique id where one fits ({@code T1190}); null otherwise
 * @param fields more detail per decoy ({@code command}, {@code path}, {@code username}, {@code callback_host}); may be empty
 * @param count how many identical alerts from this source this one stands for (noise control); 1 normally
 */
public record Alert(
    Instant time,
    String decoyName,
    String decoyType,
    String service,
    String namespace,
    String sourceIp,
    int sourcePort,
    String protocol,
    String action,
    String excerpt,
    AlertSeverity severity,
    String mitreTechnique,
    Map<String, String> fields,
    int count) {

  public static final int MAX_EXCERPT = 512;

  public Alert {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(decoyName, "decoyName");
    Objects.requireNonNull(decoyType, "decoyType");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(severity, "severity");
    excerpt = Excerpts.printable(excerpt == null ? "" : excerpt, MAX_EXCERPT);
    fields = Map.copyOf(fields == null ? Map.of() : fields);
  }

  public Alert withCount(int newCount) {
    return new Alert(time, decoyName, decoyType, service, namespace, sourceIp, sourcePort, protocol, action, excerpt, severity,
        mitreTechnique, fields, newCount);
  }
}
