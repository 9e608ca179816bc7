package dev.moat.scan.cluster;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Kubernetes objects of a {@link ScanSchedule}: a ServiceAccount; a Role and RoleBinding in the scanned namespace
 * (a ClusterRole and ClusterRoleBinding when every namespace is scanned) whose only rule is {@code get}/{@code list}
 * on Services, all {@code moat scan cluster} reads from the API; and a batch/v1 CronJob running
 * {@code moat scan cluster} with {@code concurrencyPolicy: Forbid}. The pod is hardened like a decoy's: non-root,
 * read-only root filesystem, every capability dropped, no privilege escalation, seccomp RuntimeDefault, requests and
 * limits; reports go to {@value #REPORTS_PATH}, an emptyDir or the user's PersistentVolumeClaim.
 */
public final class ScheduleManifests {

  /** Where the pod writes its reports. */
  public static final String REPORTS_PATH = "/reports";
  /** The {@code moat scan cluster} option naming the reports directory. */
  public static final String REPORTS_OPTION = "--report-dir";
  /** Label tying a schedule's objects together; {@code moat scan schedule --delete} and listings select on it. */
  public static final String SCHEDULE_LABEL = "moat.dev/scan-schedule";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  static final long RUN_AS = 65532;
  /** A scan that runs longer than this is stopped (and the next run can start). */
  static final long ACTIVE_DEADLINE_SECONDS = 4 * 3600;

  private ScheduleManifests() {}

  /** The arguments the pod runs {@code moat} with. */
  public static List<String> args(ScanSchedule s) {
    List<String> args = new ArrayList<>(List.of("scan", "cluster"));
    if (s.allNamespaces()) {
      args.add("--all-namespaces");
    } else {
      args.addAll(List.of("--namespace", s.targetNamespace()));
    }
    if (!s.selector().isEmpty()) {
      args.addAll(List.of("--selector", s.selector().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","))));
    }
    args.addAll(List.of(REPORTS_OPTION, REPORTS_PATH));
    args.addAll(s.scanArgs());
    return args;
  }

  /** ServiceAccount, Role (or ClusterRole), RoleBinding (or ClusterRoleBinding), CronJob: the order they are applied in. */
  public static List<HasMetadata> render(ScanSchedule s) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(new ServiceAccountBuilder().withMetadata(meta(s, s.name(), s.namespace())).withAutomountServiceAccountToken(false).build());
    Subject subject = new SubjectBuilder().withKind("ServiceAccount").withName(s.name()).withNamespace(s.namespace()).build();
    if (s.allNamespaces()) {
      String clusterName = clusterRoleName(s);
      objects.add(new ClusterRoleBuilder().withMetadata(meta(s, clusterName, null)).withRules(readServices()).build());
      objects.add(new ClusterRoleBindingBuilder().withMetadata(meta(s, clusterName, null))
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterName).endRoleRef()
          .withSubjects(subject).build());
    } else {
      objects.add(new RoleBuilder().withMetadata(meta(s, s.name(), s.targetNamespace())).withRules(readServices()).build());
      objects.add(new RoleBindingBuilder().withMetadata(meta(s, s.name(), s.targetNamespace()))
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(s.name()).endRoleRef()
          .withSubjects(subject).build());
    }
    objects.add(new CronJobBuilder().withMetadata(meta(s, s.name(), s.namespace()))
        .withNewSpec().withSchedule(s.cron().expression()).withTimeZone(s.timeZone())
        .withConcurrencyPolicy("Forbid").withStartingDeadlineSeconds(600L)
        .withSuccessfulJobsHistoryLimit(3).withFailedJobsHistoryLimit(3)
        .withNewJobTemplate().withNewMetadata().withLabels(labels(s)).endMetadata()
        .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(ACTIVE_DEADLINE_SECONDS)
        .withNewTemplate().withNewMetadata().withLabels(labels(s)).endMetadata()
        .withNewSpec().withRestartPolicy("Never")
        .withServiceAccountName(s.name())
        // the token is mounted into this pod only (the ServiceAccount itself does not automount)
        .withAutomountServiceAccountToken(true)
        .withEnableServiceLinks(false)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(RUN_AS).withRunAsGroup(RUN_AS).withFsGroup(RUN_AS)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .withContainers(container(s))
        .withVolumes(reportsVolume(s),
            new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir().build())
        .endSpec().endTemplate().endSpec().endJobTemplate().endSpec().build());
    return objects;
  }

  /** The objects as one multi-document YAML stream (what a dry run prints, what {@code kubectl apply -f} takes). */
  public static String yaml(ScanSchedule s) {
    StringBuilder out = new StringBuilder();
    for (HasMetadata object : render(s)) {
      String document = Serialization.asYaml(object);
      out.append(document.startsWith("---") ? "" : "---\n").append(document);
    }
    return out.toString();
  }

  /** The labels on every object and on the pods. */
  public static Map<String, String> labels(ScanSchedule s) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(PART_OF, "moat");
    labels.put("app.kubernetes.io/managed-by", "moat");
    labels.put("app.kubernetes.io/component", "scan");
    labels.put(SCHEDULE_LABEL, s.name());
    return labels;
  }

  /** Cluster-scoped names must not collide between schedules of the same name in two namespaces. */
  static String clusterRoleName(ScanSchedule s) {
    return s.name() + "-" + s.namespace();
  }

  private static PolicyRule readServices() {
    return new PolicyRuleBuilder().withApiGroups("").withResources("services").withVerbs("get", "list").build();
  }

  private static Container container(ScanSchedule s) {
    return new ContainerBuilder().withName("scan").withImage(s.image()).withArgs(args(s))
        .withNewSecurityContext().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .withPrivileged(false).withCapabilities(new Capabilities(null, List.of("ALL")))
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("768Mi"))
        .endResources()
        .addNewVolumeMount().withName("reports").withMountPath(REPORTS_PATH).endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .build();
  }

  private static Volume reportsVolume(ScanSchedule s) {
    VolumeBuilder volume = new VolumeBuilder().withName("reports");
    return s.reportsClaim() == null
        ? volume.withNewEmptyDir().withSizeLimit(new Quantity("256Mi")).endEmptyDir().build()
        : volume.withNewPersistentVolumeClaim().withClaimName(s.reportsClaim()).endPersistentVolumeClaim().build();
  }

  private static ObjectMeta meta(ScanSchedule s, String name, String namespace) {
    return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels(s)).build();
  }
}
