package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import dev.moat.SharedSchemas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered objects are valid against Kubernetes' own (strict) schemas and carry the hardening the docs promise. */
class DecoyManifestsTest {

  private static final Map<String, String> SCHEMA_FILES = Map.of(
      "Deployment", "deployment-apps-v1.json", "Service", "service-v1.json", "NetworkPolicy", "networkpolicy-networking-v1.json",
      "ServiceAccount", "serviceaccount-v1.json", "Role", "role-rbac-v1.json", "RoleBinding", "rolebinding-rbac-v1.json",
      "ConfigMap", "configmap-v1.json");

  /** A custom http decoy as decoys.yaml gives it: its entry travels to the pod in a ConfigMap. */
  static DecoyDeployment customHttp() throws Exception {
    DecoySpec spec = new DecoyConfigReader(DecoyCatalog.builtIn()).parse("decoys.yaml", """
        decoys:
          - name: billing-admin
            type: http
            port: 80
            namespace: prod
            replicas: 2
            routes:
              - path: /admin/**
                status: 403
                body: "Forbidden"
                alert: {severity: high, action: http.admin_probe}
        """).decoys().get(0);
    return new DecoyDeployment(spec.name(), spec.type(), spec.service(), spec.namespace(), spec.port(), spec.labels(), spec.replicas(),
        "ghcr.io/moat-dev/moat:0.1.0", null, false, spec.definition());
  }

  @Test
  void aCustomDecoyReadsItsOwnEntryFromAConfigMapThatServeAccepts() throws Exception {
    List<HasMetadata> objects = DecoyManifests.render(customHttp());
    io.fabric8.kubernetes.api.model.ConfigMap map = only(objects, io.fabric8.kubernetes.api.model.ConfigMap.class);
    assertThat(map.getMetadata().getName()).isEqualTo("billing-admin");
    assertThat(map.getMetadata().getLabels()).containsEntry(DecoyDeployment.NAME_LABEL, "billing-admin");
    Deployment deployment = only(objects, Deployment.class);
    io.fabric8.kubernetes.api.model.Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsSequence("--config", "/etc/moat/decoys.yaml").doesNotContain("--decoy");
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/moat") && Boolean.TRUE.equals(m.getReadOnly()));
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals("billing-admin"));
    // what the pod's `moat decoy serve --config` reads: the same decoy, on the container port, under its deployed names
    DecoySpec inPod = new DecoyConfigReader(DecoyCatalog.builtIn()).parse("decoys.yaml", map.getData().get("decoys.yaml")).decoys().get(0);
    assertThat(inPod.type()).isEqualTo("http");
    assertThat(inPod.port()).isEqualTo(8080);
    assertThat(inPod.name()).isEqualTo("billing-admin");
    assertThat(inPod.namespace()).isEqualTo("prod");
    assertThat(inPod.emulator()).isInstanceOf(RoutedHttpDecoy.class);
    assertThat(only(objects, Service.class).getSpec().getPorts().get(0).getPort()).as("the Service keeps the chosen port").isEqualTo(80);
  }

  @Test
  void theDecoyJvmFitsThePodsMemoryLimit() {
    io.fabric8.kubernetes.api.model.Container c = only(DecoyManifests.render(redis(false, null)), Deployment.class).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(c.getEnv()).anyMatch(v -> v.getName().equals("JAVA_TOOL_OPTIONS") && v.getValue().contains("-Xmx128m"));
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
  }

  @Test
  void aCatalogueDecoyNeedsNoConfigMap() {
    assertThat(DecoyManifests.render(redis(false, null))).noneMatch(o -> o.getKind().equals("ConfigMap"));
  }

  static DecoyDeployment redis(boolean events, String alertEgress) {
    return new DecoyDeployment("payments-cache", "redis", "payments-cache", "prod", 6379, Map.of("team", "payments"), 2,
        "ghcr.io/moat-dev/moat:0.1.0", alertEgress, events);
  }

  @Test
  void everyObjectIsValidAgainstTheKubernetesSchemaOfItsKind() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (DecoyDeployment d : List.of(redis(false, null), redis(true, "10.0.0.7:2801"), redis(false, "falcosidekick.falco:2801"), customHttp())) {
      for (HasMetadata object : DecoyManifests.render(d)) {
        JsonSchema schema = SharedSchemas.kubernetes(SCHEMA_FILES.get(object.getKind()));
        JsonNode json = mapper.readTree(Serialization.asJson(object));
        assertThat(schema.validate(json)).as(object.getKind() + " " + json).isEmpty();
      }
    }
  }

  @Test
  void thePodIsHardenedAndGetsNoTokenWithoutEvents() {
    Deployment deployment = only(DecoyManifests.render(redis(false, null)), Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getArgs()).containsSequence("decoy", "serve").contains("redis:8080", "--bind", "0.0.0.0");
    assertThat(deployment.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "moat").containsEntry("moat.dev/decoy", "redis")
        .containsEntry("team", "payments");
    assertThat(DecoyManifests.render(redis(false, null))).extracting(HasMetadata::getKind).doesNotContain("ServiceAccount", "Role", "RoleBinding");
  }

  @Test
  void theServiceUsesTheChosenNameAndTheRealServicesPort() {
    Service service = only(DecoyManifests.render(redis(false, null)), Service.class);
    assertThat(service.getMetadata().getName()).isEqualTo("payments-cache");
    assertThat(service.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(6379);
    assertThat(service.getSpec().getSelector()).containsEntry("moat.dev/decoy-name", "payments-cache");
  }

  @Test
  void egressIsDeniedButDnsAndTheAlertSink() {
    NetworkPolicy none = only(DecoyManifests.render(redis(false, null)), NetworkPolicy.class);
    assertThat(none.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(none.getSpec().getEgress()).hasSize(1);
    assertThat(none.getSpec().getEgress().get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(53);

    NetworkPolicy toIp = only(DecoyManifests.render(redis(false, "10.0.0.7:2801")), NetworkPolicy.class);
    assertThat(toIp.getSpec().getEgress()).hasSize(2);
    assertThat(toIp.getSpec().getEgress().get(1).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.7/32");
    assertThat(toIp.getSpec().getEgress().get(1).getPorts().get(0).getPort().getIntVal()).isEqualTo(2801);
  }

  @Test
  void withKubernetesEventsThePodMayOnlyCreateEvents() {
    List<HasMetadata> objects = DecoyManifests.render(redis(true, null));
    Role role = only(objects, Role.class);
    assertThat(role.getRules()).hasSize(1);
    assertThat(role.getRules().get(0).getResources()).containsExactly("events");
    assertThat(role.getRules().get(0).getVerbs()).containsExactlyInAnyOrder("create", "patch");
    var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("payments-cache");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    io.fabric8.kubernetes.api.model.Container c = pod.getContainers().get(0);
    assertThat(c.getArgs()).contains("--kubernetes-events");
    assertThat(c.getEnv()).anyMatch(v -> v.getName().equals("POD_NAME") && v.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"))
        .anyMatch(v -> v.getName().equals("POD_NAMESPACE") && v.getValueFrom().getFieldRef().getFieldPath().equals("metadata.namespace"));
  }

  static <T> T only(List<HasMetadata> objects, Class<T> kind) {
    List<T> matching = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
