package dev.moat.whitelist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one Falco JSON event ({@code json_output: true}, one event per line: {@code time, rule, priority,
 * output, output_fields, source, tags, hostname}). The executed file is {@code output_fields["proc.exepath"]}
 * (Falco ≥ 0.35), else an absolute {@code proc.exe}; the image is {@code container.image.repository} and
 * {@code container.image.digest}.
 */
final class FalcoEventReader {

  private FalcoEventReader() {}

  static boolean accepts(JsonNode event) {
    return event.has("output_fields");
  }

  static ObservedExecution read(JsonNode event, String origin) throws MoatException {
    JsonNode fields = event.path("output_fields");
    String path = text(fields, "proc.exepath");
    if (path == null) {
      String exe = text(fields, "proc.exe");
      path = exe != null && exe.startsWith("/") ? exe : null;
    }
    if (path == null || !path.startsWith("/")) {
      throw new MoatException(Failure.INVALID_INPUT, origin + ": the Falco event has no absolute proc.exepath (nor proc.exe) in output_fields",
          "add %proc.exepath to the output of the Falco rule that produced it");
    }
    Map<String, String> details = new TreeMap<>();
    for (String key : new String[] {"rule", "priority", "time", "hostname"}) {
      if (event.hasNonNull(key)) {
        details.put(key, event.get(key).asText());
      }
    }
    for (String key : new String[] {"proc.cmdline", "proc.pid", "proc.pname", "user.name", "container.id", "container.name",
        "container.image.tag", "k8s.ns.name", "k8s.pod.name"}) {
      String value = text(fields, key);
      if (value != null) {
        details.put(key, value);
      }
    }
    return new ObservedExecution(path, null, text(fields, "container.image.repository"), digest(text(fields, "container.image.digest")),
        origin + " (falco)", details);
  }

  /** Falco prints {@code <NA>} for a field it could not fill. */
  private static String text(JsonNode fields, String key) {
    JsonNode value = fields.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() || text.equals("<NA>") ? null : text;
  }

  private static String digest(String value) {
    if (value == null) {
      return null;
    }
    return value.contains(":") ? value : "sha256:" + value;
  }
}
