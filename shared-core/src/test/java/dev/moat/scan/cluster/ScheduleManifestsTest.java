package dev.moat.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.moat.SharedSchemas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered objects are valid against Kubernetes' own strict schemas (../shared/schemas) and as tight as the docs say. */
class ScheduleManifestsTest {

  /**
   * ../shared/schemas has no ClusterRole or ClusterRoleBinding schema. Their rules, roleRef and subjects are the same
   * types as a Role's and RoleBinding's, so those two are validated against the namespaced kind's schema with the kind
   * swapped (and the ClusterRole's only extra field, aggregationRule, is not used).
   */
  private static final Map<String, String> SCHEMA_FILES = Map.of("ServiceAccount", "serviceaccount-v1.json", "Role", "role-rbac-v1.json",
      "ClusterRole", "role-rbac-v1.json", "RoleBinding", "rolebinding-rbac-v1.json", "ClusterRoleBinding", "rolebinding-rbac-v1.json",
      "CronJob", "cronjob-batch-v1.json");

  static ScanSchedule inShop() throws Exception {
    return ScanSchedule.checked(null, "moat", "shop", "tier=api", "0 3 * * *", "Europe/Berlin", null, List.of("--fail-on", "high"), null);
  }

  static ScanSchedule everywhere() throws Exception {
    return ScanSchedule.checked("nightly", "security", null, null, "@daily", null, "registry.example/moat:1.2", List.of(), "scan-reports");
  }

  @Test
  void everyObjectAndTheYamlTextAreValidAgainstTheKubernetesSchemaOfTheirKind() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (ScanSchedule schedule : List.of(inShop(), everywhere())) {
      List<HasMetadata> objects = ScheduleManifests.render(schedule);
      assertThat(objects).hasSize(4);
      for (HasMetadata object : objects) {
        assertValid(json.readTree(Serialization.asJson(object)));
      }
      List<JsonNode> documents = new ArrayList<>();
      try (var parser = SharedSchemas.YAML.createParser(ScheduleManifests.yaml(schedule))) {
        SharedSchemas.YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
      }
      assertThat(documents).extracting(d -> d.path("kind").asText()).containsExactlyElementsOf(objects.stream().map(HasMetadata::getKind).toList());
      for (JsonNode document : documents) {
        assertValid(document);
      }
    }
  }

  @Test
  void theSchemaCheckIsStrictEnoughToCatchAMisspelledField() throws Exception {
    ObjectNode cronJob = (ObjectNode) new ObjectMapper().readTree(Serialization.asJson(only(ScheduleManifests.render(inShop()), CronJob.class)));
    ObjectNode spec = (ObjectNode) cronJob.get("spec");
    spec.set("concurencyPolicy", spec.remove("concurrencyPolicy"));
    assertThat(SharedSchemas.kubernetes("cronjob-batch-v1.json").validate(cronJob)).isNotEmpty();
  }

  @Test
  void aNamespacedScanMayOnlyGetAndListServicesOfThatNamespace() throws Exception {
    List<HasMetadata> objects = ScheduleManifests.render(inShop());
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("ServiceAccount", "Role", "RoleBinding", "CronJob");
    Role role = only(objects, Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo("shop");
    assertOnlyReadsServices(role.getRules());
    RoleBinding binding = only(objects, RoleBinding.class);
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("moat-scan");
      assertThat(s.getNamespace()).isEqualTo("moat");
    });
  }

  @Test
  void anAllNamespacesScanGetsAClusterRoleWithTheSameSingleRule() throws Exception {
    List<HasMetadata> objects = ScheduleManifests.render(everywhere());
    assertThat(objects).extracting(HasMetadata::getKind).containsExactly("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "CronJob");
    ClusterRole role = only(objects, ClusterRole.class);
    assertThat(role.getMetadata().getNamespace()).isNull();
    assertThat(role.getMetadata().getName()).isEqualTo("nightly-security");
    assertOnlyReadsServices(role.getRules());
    ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo("nightly-security");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> assertThat(s.getNamespace()).isEqualTo("security"));
  }

  @Test
  void theCronJobRunsTheScanHardenedOneAtATime() throws Exception {
    CronJob cronJob = only(ScheduleManifests.render(inShop()), CronJob.class);
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("0 3 * * *");
    assertThat(cronJob.getSpec().getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(cronJob.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("moat-scan");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(ScanSchedule.DEFAULT_IMAGE);
    assertThat(container.getArgs()).containsExactly("scan", "cluster", "--namespace", "shop", "--selector", "tier=api",
        "--report-dir", "/reports", "--fail-on", "high");
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactlyInAnyOrder("/reports", "/tmp");
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("reports")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(cronJob.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "moat").containsEntry("moat.dev/scan-schedule", "moat-scan");
  }

  @Test
  void allNamespacesAndAClaimShowInTheArgsAndTheVolume() throws Exception {
    CronJob cronJob = only(ScheduleManifests.render(everywhere()), CronJob.class);
    var pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs()).containsExactly("scan", "cluster", "--all-namespaces", "--report-dir", "/reports");
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example/moat:1.2");
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("reports")).singleElement()
        .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("scan-reports"));
    assertThat(cronJob.getSpec().getTimeZone()).isNull();
    assertThat(cronJob.getSpec().getSchedule()).isEqualTo("@daily");
  }

  private static void assertOnlyReadsServices(List<PolicyRule> rules) {
    assertThat(rules).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("services");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list");
      assertThat(rule.getResourceNames()).isNullOrEmpty();
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  private static void assertValid(JsonNode object) throws Exception {
    String kind = object.path("kind").asText();
    JsonNode checked = object;
    if (kind.startsWith("Cluster")) {
      ObjectNode namespaced = object.deepCopy();
      namespaced.put("kind", kind.substring("Cluster".length()));
      checked = namespaced;
    }
    assertThat(SharedSchemas.kubernetes(SCHEMA_FILES.get(kind)).validate(checked)).as(kind + " " + object).isEmpty();
  }

  static <T> T only(List<HasMetadata> objects, Class<T> kind) {
    List<T> matching = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
