package dev.moat.whitelist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.report.SarifLevel;
import dev.moat.report.SarifLog;
import dev.moat.report.SarifResult;
import dev.moat.report.SarifRule;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Checks observed executions against a whitelist. */
public final class DriftChecker {

  public static final String RULE_UNKNOWN_PATH = "moat/drift/unknown-path";
  public static final String RULE_HASH_MISMATCH = "moat/drift/hash-mismatch";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Reads Falco JSON events, Tetragon JSON export events, or a plain list of paths (with optional sha256).
   * The kind is decided per line: a line that starts with {@code {} is a JSON event (Falco when it has
   * {@code output_fields}, Tetragon when it is keyed by a Tetragon event type), any other a path line. Blank
   * lines and {@code #} comments are skipped. Errors name the file and the line.
   */
  public static List<ObservedExecution> readEvents(Path file) throws MoatException {
    List<ObservedExecution> executions = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        String origin = file.getFileName() + ":" + number;
        ObservedExecution execution = text.startsWith("{") ? readJson(text, origin) : PathListReader.read(text, origin);
        if (execution != null) {
          executions.add(execution);
        }
      }
    } catch (NoSuchFileException e) {
      throw new MoatException(Failure.NOT_FOUND, "events file " + file + " does not exist", "give the Falco, Tetragon or path-list file to check");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new MoatException(Failure.INVALID_INPUT, "events file " + file + " is not UTF-8 text", "give Falco JSON, Tetragon JSON or a list of paths");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read events file " + file + ": " + e.getMessage(), "check the path and its permissions");
    }
    return executions;
  }

  private static ObservedExecution readJson(String text, String origin) throws MoatException {
    JsonNode event;
    try {
      event = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MoatException(Failure.INVALID_INPUT, origin + ": not valid JSON (" + e.getOriginalMessage() + ")",
          "give one Falco or Tetragon JSON event per line");
    }
    if (!event.isObject()) {
      throw new MoatException(Failure.INVALID_INPUT, origin + ": not a JSON object", "give one Falco or Tetragon JSON event per line");
    }
    if (FalcoEventReader.accepts(event)) {
      return FalcoEventReader.read(event, origin);
    }
    if (TetragonEventReader.accepts(event)) {
      return TetragonEventReader.read(event, origin);
    }
    throw new MoatException(Failure.INVALID_INPUT, origin + ": neither a Falco event (output_fields) nor a Tetragon event (process_exec, …)",
        "give Falco's json_output events or Tetragon's JSON export, one event per line");
  }

  public DriftReport check(Whitelist whitelist, List<ObservedExecution> executions) {
    Set<String> digests = new HashSet<>();
    digests.add(whitelist.image().digest());
    whitelist.platforms().forEach(p -> digests.add(p.manifestDigest()));
    String repository = normaliseRepository(whitelist.image().repository());
    Map<String, TreeSet<String>> hashes = new TreeMap<>();
    for (WhitelistEntry entry : whitelist.allEntries()) {
      hashes.computeIfAbsent(entry.path(), k -> new TreeSet<>()).add(entry.sha256());
      if (entry.executedPath() != null) {
        hashes.computeIfAbsent(entry.executedPath(), k -> new TreeSet<>()).add(entry.sha256());
      }
    }
    int checked = 0;
    int skipped = 0;
    List<DriftReport.Drift> drifts = new ArrayList<>();
    for (ObservedExecution execution : executions) {
      if (otherImage(execution, digests, repository)) {
        skipped++;
        continue;
      }
      checked++;
      TreeSet<String> listed = hashes.get(execution.path());
      if (listed == null) {
        drifts.add(new DriftReport.Drift(execution, DriftReport.Reason.UNKNOWN_PATH, null));
      } else if (execution.sha256() != null && !listed.contains(execution.sha256())) {
        drifts.add(new DriftReport.Drift(execution, DriftReport.Reason.HASH_MISMATCH, listed.first()));
      }
    }
    return new DriftReport(whitelist.image(), checked, skipped, drifts);
  }

  /** A known digest decides; without one, a known repository does; with neither, the execution is this image's. */
  private static boolean otherImage(ObservedExecution execution, Set<String> digests, String repository) {
    if (execution.imageDigest() != null) {
      return !digests.contains(execution.imageDigest());
    }
    if (execution.imageRepository() != null) {
      return !normaliseRepository(execution.imageRepository()).equals(repository);
    }
    return false;
  }

  /** {@code docker.io/library/nginx}, {@code index.docker.io/library/nginx} and {@code nginx} are one repository. */
  static String normaliseRepository(String repository) {
    String r = repository;
    for (String prefix : new String[] {"index.docker.io/", "docker.io/", "registry-1.docker.io/"}) {
      if (r.startsWith(prefix)) {
        r = r.substring(prefix.length());
      }
    }
    return r.startsWith("library/") ? r.substring("library/".length()) : r;
  }

  /**
   * The report as JSON: {@code {"image": {reference, repository, digest}, "checked": n, "skipped": n,
   * "drifted": bool, "drifts": [{"reason": "unknown-path"|"hash-mismatch", "path", "sha256"?,
   * "expectedSha256"?, "imageRepository"?, "imageDigest"?, "origin", "details": {…}}]}}, indented, with a final
   * newline (documented in docs/whitelist.md).
   */
  public static byte[] json(DriftReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode image = root.putObject("image");
    image.put("reference", report.image().reference());
    image.put("repository", report.image().repository());
    image.put("digest", report.image().digest());
    root.put("checked", report.checked());
    root.put("skipped", report.skipped());
    root.put("drifted", report.drifted());
    var array = root.putArray("drifts");
    for (DriftReport.Drift drift : report.drifts()) {
      ObservedExecution e = drift.execution();
      ObjectNode d = array.addObject();
      d.put("reason", reasonName(drift.reason()));
      d.put("path", e.path());
      putIfPresent(d, "sha256", e.sha256());
      putIfPresent(d, "expectedSha256", drift.expectedSha256());
      putIfPresent(d, "imageRepository", e.imageRepository());
      putIfPresent(d, "imageDigest", e.imageDigest());
      d.put("origin", e.origin());
      ObjectNode details = d.putObject("details");
      new TreeMap<>(e.details() == null ? Map.<String, String>of() : e.details()).forEach(details::put);
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the drift report", e);
    }
  }

  /** The report as SARIF 2.1.0, one result per drift. */
  public static byte[] sarif(DriftReport report) {
    List<SarifRule> rules = List.of(
        new SarifRule(RULE_UNKNOWN_PATH, "UnknownExecutable", "A file ran that the image's whitelist does not list.", SarifLevel.ERROR,
            "https://moat.dev/docs/whitelist#drift-check"),
        new SarifRule(RULE_HASH_MISMATCH, "ModifiedExecutable",
            "A listed file ran with another content than the image had: it was replaced or modified.", SarifLevel.ERROR,
            "https://moat.dev/docs/whitelist#drift-check"));
    List<SarifResult> results = new ArrayList<>();
    for (DriftReport.Drift drift : report.drifts()) {
      ObservedExecution e = drift.execution();
      Map<String, String> properties = new TreeMap<>();
      properties.put("image.reference", report.image().reference());
      properties.put("image.digest", report.image().digest());
      properties.put("origin", e.origin());
      if (e.imageRepository() != null) {
        properties.put("observed.imageRepository", e.imageRepository());
      }
      if (e.imageDigest() != null) {
        properties.put("observed.imageDigest", e.imageDigest());
      }
      if (e.sha256() != null) {
        properties.put("observed.sha256", e.sha256());
      }
      if (drift.expectedSha256() != null) {
        properties.put("expected.sha256", drift.expectedSha256());
      }
      if (e.details() != null) {
        e.details().forEach((k, v) -> properties.put("details." + k, v));
      }
      boolean unknown = drift.reason() == DriftReport.Reason.UNKNOWN_PATH;
      String message = unknown
          ? e.path() + " ran in " + report.image().repository() + " but is not in its whitelist (" + e.origin() + ")"
          : e.path() + " ran in " + report.image().repository() + " with sha256 " + e.sha256() + ", the whitelist has "
              + drift.expectedSha256() + " (" + e.origin() + ")";
      String container = e.details() == null ? null : e.details().getOrDefault("container.id", null);
      results.add(new SarifResult(unknown ? RULE_UNKNOWN_PATH : RULE_HASH_MISMATCH, SarifLevel.ERROR, message, e.path(), container, properties));
    }
    return new SarifLog("moat", DriftChecker.class.getPackage().getImplementationVersion(), "https://moat.dev", rules, results).toBytes();
  }

  static String reasonName(DriftReport.Reason reason) {
    return reason == DriftReport.Reason.UNKNOWN_PATH ? "unknown-path" : "hash-mismatch";
  }

  private static void putIfPresent(ObjectNode node, String key, String value) {
    if (value != null) {
      node.put(key, value);
    }
  }
}
