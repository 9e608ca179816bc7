package dev.moat.whitelist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one line of Tetragon's JSON export ({@code tetragon --export-filename}, {@code kubectl logs … -c
 * export-stdout}): one event per line, keyed by its type. Only {@code process_exec} is an execution:
 * {@code process_exec.process.binary} is the executed path, {@code process.pod.container.image.id}
 * ({@code repo@sha256:…}) and {@code .name} ({@code repo:tag}) name the image. Other event types
 * ({@code process_exit}, {@code process_kprobe}, …) are not executions and are ignored.
 */
final class TetragonEventReader {

  private static final String[] EVENT_TYPES = {"process_exec", "process_exit", "process_kprobe", "process_tracepoint",
      "process_uprobe", "process_lsm", "process_loader", "process_throttle", "rate_limit_info", "process_usdt"};

  private TetragonEventReader() {}

  static boolean accepts(JsonNode event) {
    for (String type : EVENT_TYPES) {
      if (event.has(type)) {
        return true;
      }
    }
    return false;
  }

  /** @return the execution, or null for an event that is not an exec */
  static ObservedExecution read(JsonNode event, String origin) throws MoatException {
    if (!event.has("process_exec")) {
      return null;
    }
    JsonNode process = event.path("process_exec").path("process");
    String binary = process.path("binary").asText("");
    if (!binary.startsWith("/")) {
      throw new MoatException(Failure.INVALID_INPUT, origin + ": the Tetragon process_exec event has no absolute process.binary",
          "give Tetragon's JSON export as it writes it");
    }
    JsonNode pod = process.path("pod");
    JsonNode image = pod.path("container").path("image");
    String id = image.path("id").asText("");
    String name = image.path("name").asText("");
    String digest = null;
    String repository = null;
    int at = id.indexOf('@');
    if (at > 0) {
      digest = id.substring(at + 1);
      repository = id.substring(0, at);
    } else if (id.startsWith("sha256:")) {
      digest = id;
    }
    if (!name.isEmpty()) {
      repository = repositoryOf(name);
    }
    Map<String, String> details = new TreeMap<>();
    put(details, "time", event.path("time"));
    put(details, "node_name", event.path("node_name"));
    put(details, "process.arguments", process.path("arguments"));
    put(details, "process.pid", process.path("pid"));
    put(details, "process.uid", process.path("uid"));
    put(details, "pod.namespace", pod.path("namespace"));
    put(details, "pod.name", pod.path("name"));
    put(details, "container.id", pod.path("container").path("id"));
    put(details, "container.name", pod.path("container").path("name"));
    put(details, "container.image", image.path("name"));
    return new ObservedExecution(binary, null, repository, digest, origin + " (tetragon)", details);
  }

  /** {@code host:5000/team/app:1.0@sha256:…} → {@code host:5000/team/app}: a tag is a colon after the last slash. */
  static String repositoryOf(String name) {
    String withoutDigest = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
  }

  private static void put(Map<String, String> details, String key, JsonNode value) {
    if (!value.isMissingNode() && !value.isNull() && !value.asText().isEmpty()) {
      details.put(key, value.asText());
    }
  }
}
