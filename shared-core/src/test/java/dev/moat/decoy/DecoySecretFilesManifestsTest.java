package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.SharedSchemas;
import dev.moat.stage.DeployDecoysRequest;
import dev.moat.stage.DeployDecoysStage;
import dev.moat.stage.RemoveDecoysRequest;
import dev.moat.stage.RemoveDecoysStage;
import dev.moat.stage.StageListener;
import dev.moat.stage.StageResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploying a decoy that names the operator's own TLS files or SSH host key: the files go in a Secret mounted
 * read-only, the pod's decoys.yaml names the mounted copies. Objects are validated against Kubernetes' strict schemas
 * (../shared/schemas); deploy and remove run against fabric8's mock API server in CRUD mode — a fake, as no API server
 * runs on this machine.
 */
@EnableKubernetesMockClient(crud = true)
class DecoySecretFilesManifestsTest {

  KubernetesClient client;
  io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  @TempDir Path dir;
  Path config;

  @BeforeEach
  void files() throws Exception {
    assumeTrue(KubeletTlsTest.onPath("openssl") && KubeletTlsTest.onPath("ssh-keygen"), "needs openssl and ssh-keygen (openssh-client)");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=worker-07", "-days", "2");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", "host_key");
    config = dir.resolve("decoys.yaml");
    Files.writeString(config, """
        decoys:
          - name: node-7
            type: kubelet
            namespace: prod
            tls: {cert: cert.pem, key: key.pem}
          - name: bastion
            type: ssh
            namespace: prod
            hostKey: host_key
        """);
  }

  private void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("log"))).isZero();
  }

  private DeployDecoysRequest request(boolean dryRun) throws Exception {
    return DeployDecoysRequest.fromParameters(Map.of("config", config.toString(), "dry-run", Boolean.toString(dryRun)));
  }

  @Test
  void theFilesTravelInASecretThatIsValidAndMountedReadOnly() throws Exception {
    for (DecoyDeployment d : request(false).decoys()) {
      List<HasMetadata> objects = DecoyManifests.render(d);
      for (HasMetadata o : objects) {
        String schema = o.getKind().toLowerCase() + (o.getKind().equals("Deployment") ? "-apps-v1.json"
            : o.getKind().equals("NetworkPolicy") ? "-networking-v1.json" : "-v1.json");
        assertThat(SharedSchemas.kubernetes(schema).validate(new ObjectMapper().readTree(Serialization.asJson(o)))).as(o.getKind()).isEmpty();
      }
      Secret secret = DecoyManifestsTest.only(objects, Secret.class);
      assertThat(secret.getMetadata().getName()).isEqualTo(d.name() + "-files");
      assertThat(secret.getMetadata().getLabels()).containsEntry(DecoyDeployment.NAME_LABEL, d.name());
      var pod = DecoyManifestsTest.only(objects, Deployment.class).getSpec().getTemplate().getSpec();
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getSecret()).isNotNull();
        assertThat(v.getSecret().getSecretName()).isEqualTo(d.name() + "-files");
        assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
      });
      Container c = pod.getContainers().get(0);
      assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/moat-secret") && Boolean.TRUE.equals(m.getReadOnly()));
      assertThat(c.getArgs()).containsSequence("--config", "/etc/moat/decoys.yaml");

      // the pod's decoys.yaml names the mounted copies; with the Secret's files where the pod sees them, serve accepts it
      String podYaml = DecoyManifestsTest.only(objects, io.fabric8.kubernetes.api.model.ConfigMap.class).getData().get("decoys.yaml");
      Path mounted = Files.createDirectories(dir.resolve("pod-" + d.name()));
      secret.getData().forEach((k, v) -> {
        try {
          Files.write(mounted.resolve(k), Base64.getDecoder().decode(v));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      DecoySpec inPod = new DecoyConfigReader(DecoyCatalog.builtIn()).parse("decoys.yaml", podYaml.replace("/etc/moat-secret", mounted.toString()))
          .decoys().get(0);
      ObjectNode entry = (ObjectNode) new ObjectMapper().readTree(podYaml).path("decoys").get(0);
      if (d.type().equals("kubelet")) {
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(Base64.getDecoder().decode(secret.getData().get("tls.key"))).isEqualTo(Files.readAllBytes(dir.resolve("key.pem")));
        assertThat(entry.path("tls").path("cert").asText()).isEqualTo("/etc/moat-secret/tls.crt");
        assertThat(inPod.tls().certificate()).isEqualTo(mounted.resolve("tls.crt"));
      } else {
        assertThat(secret.getData()).containsOnlyKeys("ssh-host-key");
        assertThat(entry.path("hostKey").asText()).isEqualTo("/etc/moat-secret/ssh-host-key");
        assertThat(((SshEmulator) inPod.emulator()).hostKey()).isEqualTo(SshHostKey.operatorFile(mounted.resolve("ssh-host-key")));
      }
    }
  }

  @Test
  void aDryRunPrintsNoKeyMaterial() throws Exception {
    StageResult result = new DeployDecoysStage(server::createClient).run(request(true), StageListener.NONE);
    String yaml = result.outputs().get("MANIFESTS");
    assertThat(yaml).contains("kind: \"Secret\"", "(not printed: moat decoy deploy puts the file's content here)");
    String key = Files.readString(dir.resolve("key.pem"));
    String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(yaml).doesNotContain(body).doesNotContain(Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("key.pem"))).substring(0, 40))
        .doesNotContain(Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("host_key"))).substring(0, 40));
    assertThat(request(false).decoys().get(0).secretFiles().toString()).doesNotContain(body);
  }

  @Test
  void deployStoresTheSecretAndRemoveDeletesIt() throws Exception {
    new DeployDecoysStage(server::createClient).run(request(false), StageListener.NONE);
    Secret stored = client.secrets().inNamespace("prod").withName("node-7-files").get();
    assertThat(stored).isNotNull();
    assertThat(Base64.getDecoder().decode(stored.getData().get("tls.crt"))).isEqualTo(Files.readAllBytes(dir.resolve("cert.pem")));
    assertThat(client.secrets().inNamespace("prod").withName("bastion-files").get()).isNotNull();

    StageResult removed = new RemoveDecoysStage(server::createClient).run(RemoveDecoysRequest.fromParameters(Map.of("config", config.toString())),
        StageListener.NONE);
    // each decoy: Deployment, Service, NetworkPolicy, ConfigMap and the Secret
    assertThat(removed.outputs().get("DELETED_OBJECTS")).isEqualTo("10");
    assertThat(client.secrets().inNamespace("prod").list().getItems()).isEmpty();
  }
}
