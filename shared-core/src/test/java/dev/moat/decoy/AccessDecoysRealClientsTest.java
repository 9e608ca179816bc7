package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access decoys behind real sockets on 127.0.0.1, attacked by the real clients (redis-cli, the docker CLI,
 * curl, nmap -sV) that .ci/run installs. Alerts are captured by an in-memory publisher.
 */
class AccessDecoysRealClientsTest {

  @TempDir Path dir;
  RecordingPublisher alerts = new RecordingPublisher();
  DecoyServer server;

  @BeforeEach
  void start() throws Exception {
    List<ServedDecoy> decoys = new ArrayList<>();
    for (Object emulator : UnauthorisedAccessDecoys.all()) {
      String type = emulator instanceof HttpEmulator h ? h.describe().type() : ((StreamEmulator) emulator).describe().type();
      decoys.add(new ServedDecoy(new DecoyIdentity(type, type, null, null), emulator, 0));
    }
    server = DecoyServer.start(decoys, "127.0.0.1", DecoyLimits.defaults(), alerts, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int port(String type) {
    return server.boundPorts().get(type);
  }

  @Test
  void redisCliSeesRedisAndConfigSetDirIsACriticalAlert() throws Exception {
    String cli = "redis-cli";
    assumeTrue(onPath(cli), "redis-cli is not installed (apt redis-tools; .ci/run installs it)");
    String[] base = {cli, "-h", "127.0.0.1", "-p", Integer.toString(port("redis"))};
    assertThat(run(base, "PING")).isEqualTo("PONG\n");
    assertThat(run(base, "INFO")).contains("redis_version:7.0.15", "# Keyspace");
    assertThat(run(base, "CONFIG", "GET", "dir")).isEqualTo("dir\n/var/lib/redis\n");
    assertThat(run(base, "KEYS", "*")).contains("config:payments:api_key");
    assertThat(run(base, "CONFIG", "SET", "dir", "/root/.ssh")).isEqualTo("OK\n");

    Alert configSet = alerts.await(a -> a.action().equals("redis.config_set"));
    assertThat(configSet.severity()).isEqualTo(AlertSeverity.CRITICAL);
    assertThat(configSet.fields()).containsEntry("dir", "/root/.ssh");
    assertThat(configSet.sourceIp()).isEqualTo("127.0.0.1");
  }

  @Test
  void redisSlaveofRecordsTheMasterAndNothingConnectsToIt() throws Exception {
    assumeTrue(onPath("redis-cli"), "redis-cli is not installed (apt redis-tools; .ci/run installs it)");
    assertThat(run(new String[] {"redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port("redis"))}, "SLAVEOF", "203.0.113.1",
        "6379")).isEqualTo("OK\n");
    Alert alert = alerts.await(a -> a.action().equals("redis.replicaof"));
    assertThat(alert.fields()).containsEntry("master_host", "203.0.113.1").containsEntry("master_port", "6379");
    // an outbound attempt would show as a socket to 203.0.113.1 (CB.00.71.01, little-endian hex) in this JVM's table
    assertThat(Files.readString(Path.of("/proc/self/net/tcp"))).doesNotContain("017100CB:");
  }

  @Test
  void dockerCliVersionInfoPsImagesAndRunGoAsFarAsCreateAndStart() throws Exception {
    assumeTrue(onPath("docker"), "the docker CLI is not installed (.ci/run installs docker.io without starting its daemon)");
    String[] docker = {"docker", "-H", "tcp://127.0.0.1:" + port("docker-api")};
    String version = run(docker, "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}");
    assertThat(version).isEqualTo("20.10.24 1.41\n");
    assertThat(run(docker, "info", "--format", "{{.ServerVersion}} {{.Name}}")).isEqualTo("20.10.24 build-runner-03\n");
    assertThat(run(docker, "ps")).contains("payments-api");
    assertThat(run(docker, "images")).contains("postgres", "14.10");
    String id = run(docker, "run", "-d", "-v", "/:/host", "alpine", "id");
    assertThat(id.strip()).isEqualTo(DockerApiDecoy.CREATED_ID);

    Alert create = alerts.await(a -> a.action().equals("docker.container_create"));
    assertThat(create.severity()).isEqualTo(AlertSeverity.CRITICAL);
    assertThat(create.fields()).containsEntry("image", "alpine").containsEntry("cmd", "id").containsEntry("binds", "/:/host");
    alerts.await(a -> a.action().equals("docker.container_start"));
  }

  @Test
  void curlReachesElasticsearchEtcdAndKubelet() throws Exception {
    assumeTrue(onPath("curl"), "curl is not installed");
    String es = "http://127.0.0.1:" + port("elasticsearch");
    assertThat(run(new String[] {"curl", "-s"}, es + "/")).contains("\"tagline\" : \"You Know, for Search\"");
    assertThat(run(new String[] {"curl", "-s"}, es + "/_cat/indices")).contains("payments");
    assertThat(run(new String[] {"curl", "-s", "-H", "Content-Type: application/json", "-d", "{\"query\":{\"match_all\":{}}}"},
        es + "/customers/_search")).contains("alice@example.com");
    alerts.await(a -> a.action().equals("es.search") && "customers".equals(a.fields().get("index")));

    String etcd = "http://127.0.0.1:" + port("etcd");
    assertThat(run(new String[] {"curl", "-s", "-d", "{\"key\":\"L3JlZ2lzdHJ5L3NlY3JldHMv\",\"range_end\":\"L3JlZ2lzdHJ5L3NlY3JldHMw\"}"},
        etcd + "/v3/kv/range")).contains("\"count\":\"3\"");
    alerts.await(a -> a.action().equals("etcd.read_secrets"));

    String kubelet = "http://127.0.0.1:" + port("kubelet");
    assertThat(run(new String[] {"curl", "-s"}, kubelet + "/pods")).contains("\"kind\":\"PodList\"");
    assertThat(run(new String[] {"curl", "-s", "-X", "POST", "-d", "cmd=id"}, kubelet + "/run/payments/payments-api-7d9c5b6f4-x2kqp/api"))
        .isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");
    alerts.await(a -> a.action().equals("kubelet.run"));
  }

  @Test
  void nmapServiceDetectionNamesRedisDockerAndElasticsearch() throws Exception {
    assumeTrue(onPath("nmap"), "nmap is not installed (.ci/run installs it)");
    Path xml = dir.resolve("nmap.xml");
    run(new String[] {"nmap", "-sV", "-Pn", "-n", "-oX", xml.toString(), "-p",
        port("redis") + "," + port("docker-api") + "," + port("elasticsearch")}, "127.0.0.1");
    String report = Files.readString(xml);
    // on an ephemeral port nmap identifies Redis from its answer to the HTTP GET probe; the INFO probe (which
    // also reports the version) is only sent to 6379
    assertThat(report).contains("name=\"redis\"", "product=\"Redis key-value store\"");
    // Docker and Elasticsearch are matched on the exact bytes of their HTTP/1.0 answers (version, header order)
    assertThat(report).contains("name=\"docker\"", "product=\"Docker\"", "version=\"20.10.24\"");
    assertThat(report).contains("product=\"Elasticsearch REST API\"", "version=\"7.17.9\"");
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private String run(String[] base, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(base));
    command.addAll(List.of(args));
    Path out = dir.resolve("out-" + System.nanoTime());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s exit status; it said: %s", command, text).isZero();
    return text;
  }
}
