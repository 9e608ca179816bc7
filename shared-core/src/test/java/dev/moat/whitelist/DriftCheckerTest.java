package dev.moat.whitelist;

import dev.moat.SharedSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftCheckerTest {

  /*
   * Falco's json_output event (falco.yaml json_output: true; fields as in Falco's "Outputs" docs: time, rule,
   * priority, output, output_fields, source, tags, hostname). container.image.digest as Falco ≥ 0.35 prints it.
   */
  private static final String FALCO_DRIFT = "{\"hostname\":\"node-1\",\"output\":\"Executable not in the Moat whitelist ran (proc.exepath=/tmp/x)\","
      + "\"priority\":\"Critical\",\"rule\":\"Moat drift\",\"source\":\"syscall\",\"tags\":[\"drift\"],\"time\":\"2024-05-02T10:11:12.123456789Z\","
      + "\"output_fields\":{\"container.id\":\"3ad7b26ded6d\",\"container.image.repository\":\"127.0.0.1:5000/team/app\","
      + "\"container.image.tag\":\"1.0\",\"container.image.digest\":\"" + TestWhitelists.AMD64 + "\",\"container.name\":\"app\","
      + "\"proc.cmdline\":\"x -c id\",\"proc.exepath\":\"/tmp/x\",\"proc.pid\":4242,\"k8s.ns.name\":\"prod\",\"k8s.pod.name\":\"app-7d9\"}}";
  private static final String FALCO_LISTED_BY_LINK = FALCO_DRIFT.replace("/tmp/x", "/bin/ls");
  /* An older Falco without proc.exepath: proc.exe, and no digest known. */
  private static final String FALCO_EXE_ONLY = "{\"output\":\"…\",\"priority\":\"Warning\",\"rule\":\"Terminal shell in container\",\"time\":\"2024-05-02T10:11:13Z\","
      + "\"output_fields\":{\"container.image.repository\":\"127.0.0.1:5000/team/app\",\"container.image.digest\":\"<NA>\",\"proc.exe\":\"/usr/bin/wget\"}}";
  private static final String FALCO_OTHER_IMAGE = FALCO_DRIFT.replace(TestWhitelists.AMD64, "sha256:" + "99".repeat(32));

  /*
   * Tetragon JSON export (docs "Events", process_exec: process.binary, process.pod.container.image.{id,name},
   * node_name, time), as `tetra getevents -o json` / the export-stdout container writes it.
   */
  private static final String TETRAGON_EXEC = "{\"process_exec\":{\"process\":{\"exec_id\":\"a2luZDo=\",\"pid\":52699,\"uid\":0,\"cwd\":\"/\","
      + "\"binary\":\"/usr/bin/app\",\"arguments\":\"--serve\",\"flags\":\"execve clone\",\"start_time\":\"2024-05-02T10:11:14.1Z\",\"auid\":4294967295,"
      + "\"pod\":{\"namespace\":\"prod\",\"name\":\"app-7d9\",\"container\":{\"id\":\"containerd://3ad7b26ded6d\",\"name\":\"app\","
      + "\"image\":{\"id\":\"127.0.0.1:5000/team/app@" + TestWhitelists.ARM64 + "\",\"name\":\"127.0.0.1:5000/team/app:1.0\"},"
      + "\"start_time\":\"2024-05-02T10:00:00Z\",\"pid\":1}},\"docker\":\"3ad7b26\",\"parent_exec_id\":\"a2lu\",\"tid\":52699},"
      + "\"parent\":{\"binary\":\"/bin/busybox\"}},\"node_name\":\"node-1\",\"time\":\"2024-05-02T10:11:14.1Z\"}";
  private static final String TETRAGON_EXIT = "{\"process_exit\":{\"process\":{\"binary\":\"/usr/bin/app\"},\"status\":0},\"node_name\":\"node-1\",\"time\":\"2024-05-02T10:11:15Z\"}";

  @TempDir Path dir;

  @Test
  void falcoTetragonAndPathLinesAreReadFromOneFileSkippingCommentsAndNonExecEvents() throws Exception {
    Path events = write("# observed on node-1", FALCO_DRIFT, "", TETRAGON_EXEC, TETRAGON_EXIT,
        "/usr/bin/app", TestWhitelists.hash('f') + "  /bin/busybox", "/usr/local/bin/entry point.sh " + TestWhitelists.hash('b'));
    List<ObservedExecution> read = DriftChecker.readEvents(events);
    assertThat(read).extracting(ObservedExecution::path)
        .containsExactly("/tmp/x", "/usr/bin/app", "/usr/bin/app", "/bin/busybox", "/usr/local/bin/entry point.sh");
    assertThat(read.get(0).imageDigest()).isEqualTo(TestWhitelists.AMD64);
    assertThat(read.get(0).origin()).isEqualTo("events.txt:2 (falco)");
    assertThat(read.get(0).details()).containsEntry("proc.cmdline", "x -c id").containsEntry("k8s.pod.name", "app-7d9");
    assertThat(read.get(1).imageRepository()).isEqualTo("127.0.0.1:5000/team/app");
    assertThat(read.get(1).imageDigest()).isEqualTo(TestWhitelists.ARM64);
    assertThat(read.get(1).origin()).isEqualTo("events.txt:4 (tetragon)");
    assertThat(read.get(3).sha256()).isEqualTo(TestWhitelists.hash('f'));
    assertThat(read.get(4).sha256()).isEqualTo(TestWhitelists.hash('b'));
  }

  @Test
  void unknownPathsAndChangedHashesAreDriftListedPathsAndLinksAreNotAndOtherImagesAreSkipped() throws Exception {
    Path events = write(FALCO_DRIFT, FALCO_LISTED_BY_LINK, FALCO_EXE_ONLY, FALCO_OTHER_IMAGE, TETRAGON_EXEC,
        TestWhitelists.hash('f') + "  /bin/busybox", TestWhitelists.hash('a') + " /bin/sh", "/usr/local/bin/entry point.sh " + TestWhitelists.hash('b'));
    DriftReport report = new DriftChecker().check(TestWhitelists.sample(), DriftChecker.readEvents(events));
    assertThat(report.checked()).isEqualTo(7);
    assertThat(report.skipped()).isEqualTo(1);
    assertThat(report.drifts()).extracting(d -> d.execution().path() + " " + d.reason())
        .containsExactly("/tmp/x UNKNOWN_PATH", "/usr/bin/wget UNKNOWN_PATH", "/bin/busybox HASH_MISMATCH");
    assertThat(report.drifts().get(2).expectedSha256()).isEqualTo(TestWhitelists.hash('a'));
  }

  @Test
  void aCleanRunIsNoDrift() throws Exception {
    DriftReport report = new DriftChecker().check(TestWhitelists.sample(), DriftChecker.readEvents(write(TETRAGON_EXEC, "/bin/ls")));
    assertThat(report.drifted()).isFalse();
    assertThat(report.checked()).isEqualTo(2);
  }

  @Test
  void theJsonReportHasTheDocumentedShape() throws Exception {
    DriftReport report = new DriftChecker().check(TestWhitelists.sample(), DriftChecker.readEvents(write(FALCO_DRIFT, TestWhitelists.hash('f') + " /usr/bin/app")));
    JsonNode json = new ObjectMapper().readTree(DriftChecker.json(report));
    assertThat(json.path("image").path("digest").asText()).isEqualTo(TestWhitelists.DIGEST);
    assertThat(json.path("checked").asInt()).isEqualTo(2);
    assertThat(json.path("skipped").asInt()).isZero();
    assertThat(json.path("drifted").asBoolean()).isTrue();
    assertThat(json.path("drifts").get(0).path("reason").asText()).isEqualTo("unknown-path");
    assertThat(json.path("drifts").get(0).path("details").path("container.id").asText()).isEqualTo("3ad7b26ded6d");
    assertThat(json.path("drifts").get(1).path("reason").asText()).isEqualTo("hash-mismatch");
    assertThat(json.path("drifts").get(1).path("expectedSha256").asText()).isEqualTo(TestWhitelists.hash('c'));
    assertThat(DriftChecker.json(report)).isEqualTo(DriftChecker.json(report));
  }

  @Test
  void theSarifReportValidatesAgainstSarif210WithOneErrorResultPerDrift() throws Exception {
    DriftReport report = new DriftChecker().check(TestWhitelists.sample(),
        DriftChecker.readEvents(write(FALCO_DRIFT, TestWhitelists.hash('f') + " /usr/local/bin/entry point.sh")));
    byte[] sarif = DriftChecker.sarif(report);
    JsonNode log = new ObjectMapper().readTree(sarif);
    assertThat(SharedSchemas.json("sarif/sarif-schema-2.1.0.json").validate(log)).isEmpty();
    JsonNode results = log.path("runs").get(0).path("results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).path("ruleId").asText()).isEqualTo("moat/drift/unknown-path");
    assertThat(results.get(0).path("level").asText()).isEqualTo("error");
    assertThat(results.get(0).path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText()).isEqualTo("file:///tmp/x");
    assertThat(results.get(0).path("properties").path("image.digest").asText()).isEqualTo(TestWhitelists.DIGEST);
    assertThat(results.get(1).path("ruleId").asText()).isEqualTo("moat/drift/hash-mismatch");
    assertThat(results.get(1).path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText())
        .isEqualTo("file:///usr/local/bin/entry%20point.sh");
  }

  @Test
  void malformedLinesAreRejectedNamingFileAndLine() throws Exception {
    assertRejected(write("/bin/ls", "{\"output_fields\": {"), "events.txt:2", "not valid JSON");
    assertRejected(write("{\"hello\":1}"), "events.txt:1", "neither a Falco event");
    assertRejected(write("bin/ls"), "events.txt:1", "not an absolute path");
    assertRejected(write("{\"output_fields\":{\"proc.name\":\"sh\"}}"), "events.txt:1", "proc.exepath");
    assertRejected(write("{\"process_exec\":{\"process\":{}}}"), "events.txt:1", "process.binary");
  }

  @Test
  void aMissingEventsFileIsNotFound() {
    assertThatThrownBy(() -> DriftChecker.readEvents(dir.resolve("nope.json")))
        .isInstanceOf(MoatException.class).satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.NOT_FOUND));
  }

  private void assertRejected(Path file, String where, String why) {
    assertThatThrownBy(() -> DriftChecker.readEvents(file)).isInstanceOf(MoatException.class)
        .hasMessageContaining(where).hasMessageContaining(why)
        .satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  private Path write(String... lines) throws Exception {
    return Files.write(dir.resolve("events.txt"), List.of(lines));
  }
}
