package dev.moat.decoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of one decoy: a Deployment running {@code moat decoy serve}, a Service under the
 * user's name, a NetworkPolicy that allows the decoy no egress but DNS and its alert sink, a ConfigMap with a custom
 * decoy's own entry and a Secret with the TLS or SSH host key files it names, and — only when
 * alerts become Kubernetes Events — a ServiceAccount with a Role that may create events and nothing else.
 * The pod is hardened: non-root, read-only root filesystem, every capability dropped, seccomp RuntimeDefault,
 * no privilege escalation, no ServiceAccount token unless events need one, requests and limits.
 */
public final class DecoyManifests {

  /** The port the decoy listens on inside the pod (unprivileged, so the pod needs no capability). */
  static final int CONTAINER_PORT = 8080;
  static final String CONFIG_DIR = "/etc/moat";
  /**
   * The decoy JVM's options in the pod (as {@code JAVA_TOOL_OPTIONS}): a heap that fits the 256Mi limit with room
   * for Netty's direct buffers and thread stacks, the serial collector (no GC threads to feed on 500m of CPU), small
   * stacks. {@code bench/decoy} runs serve with the same.
   */
  public static final String POD_JVM_OPTIONS = "-Xmx128m -XX:+UseSerialGC -Xss512k";
  static final String CONFIG_FILE = "decoys.yaml";
  /** Where the Secret with the operator's TLS and host key files is mounted (read-only, group-readable for fsGroup). */
  static final String SECRET_DIR = "/etc/moat-secret";
  private static final int SECRET_MODE = 0440;
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long RUN_AS = 65532;

  private DecoyManifests() {}

  /**
   * The pod's own {@code decoys.yaml} for a custom decoy: its entry with the deployment's name, Service and namespace
   * and the container port (JSON, which YAML reads as it is).
   */
  static String podConfig(DecoyDeployment d) {
    try {
      ObjectNode entry = (ObjectNode) JSON.readTree(d.definition());
      entry.put("name", d.name()).put("service", d.serviceName()).put("namespace", d.namespace()).put("port", CONTAINER_PORT);
      entry.remove(List.of("labels", "replicas"));
      DecoySecretFiles files = d.secretFiles();
      if (files != null && files.has(DecoySecretFiles.TLS_CERT)) {
        entry.putObject("tls").put("cert", SECRET_DIR + "/" + DecoySecretFiles.TLS_CERT).put("key", SECRET_DIR + "/" + DecoySecretFiles.TLS_KEY);
      }
      if (files != null && files.has(DecoySecretFiles.SSH_HOST_KEY)) {
        entry.put("hostKey", SECRET_DIR + "/" + DecoySecretFiles.SSH_HOST_KEY);
      }
      ObjectNode root = JSON.createObjectNode();
      root.putArray("decoys").add(entry);
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (java.io.IOException | ClassCastException e) {
      throw new IllegalArgumentException("decoy " + d.name() + ": its definition is not a JSON object", e);
    }
  }

  public static List<HasMetadata> render(DecoyDeployment d) {
    List<HasMetadata> objects = new ArrayList<>();
    Map<String, String> selector = Map.of(DecoyDeployment.NAME_LABEL, d.name(), DecoyDeployment.PART_OF, "moat");
    if (d.kubernetesEvents()) {
      objects.add(new ServiceAccountBuilder().withMetadata(meta(d, d.name())).withAutomountServiceAccountToken(true).build());
      objects.add(new RoleBuilder().withMetadata(meta(d, d.name() + "-events"))
          .addNewRule().withApiGroups("", "events.k8s.io").withResources("events").withVerbs("create", "patch").endRule().build());
      objects.add(new RoleBindingBuilder().withMetadata(meta(d, d.name() + "-events"))
          .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(d.name() + "-events").endRoleRef()
          .addNewSubject().withKind("ServiceAccount").withName(d.name()).withNamespace(d.namespace()).endSubject().build());
    }
    if (d.secretFiles() != null) {
      objects.add(new SecretBuilder().withMetadata(meta(d, secretName(d))).withType("Opaque")
          .withData(d.secretFiles().base64Data()).build());
    }
    if (d.definition() != null) {
      objects.add(new ConfigMapBuilder().withMetadata(meta(d, d.name())).addToData(CONFIG_FILE, podConfig(d)).build());
    }
    objects.add(new DeploymentBuilder().withMetadata(meta(d, d.name()))
        .withNewSpec().withReplicas(d.replicas())
        .withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels(d)).endMetadata()
        .withNewSpec()
        .withServiceAccountName(d.kubernetesEvents() ? d.name() : null)
        .withAutomountServiceAccountToken(d.kubernetesEvents())
        .withEnableServiceLinks(false)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(RUN_AS).withRunAsGroup(RUN_AS).withFsGroup(RUN_AS)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .withContainers(container(d))
        .addNewVolume().withName("spool").withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir().endVolume()
        .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
        .addAllToVolumes(d.definition() == null ? List.of()
            : List.of(new VolumeBuilder().withName("config").withNewConfigMap().withName(d.name()).endConfigMap().build()))
        .addAllToVolumes(d.secretFiles() == null ? List.of()
            : List.of(new VolumeBuilder().withName("secret-files").withNewSecret().withSecretName(secretName(d)).withDefaultMode(SECRET_MODE)
                .endSecret().build()))
        .endSpec().endTemplate().endSpec().build());
    objects.add(new ServiceBuilder().withMetadata(meta(d, d.serviceName()))
        .withNewSpec().withSelector(selector)
        .addNewPort().withName(d.type().length() <= 15 ? d.type() : "decoy").withProtocol("TCP").withPort(d.port())
        .withTargetPort(new IntOrString(CONTAINER_PORT)).endPort()
        .endSpec().build());
    objects.add(new NetworkPolicyBuilder().withMetadata(meta(d, d.name() + "-egress"))
        .withNewSpec().withNewPodSelector().withMatchLabels(selector).endPodSelector()
        .withPolicyTypes("Egress").withEgress(egress(d)).endSpec().build());
    return objects;
  }

  private static Container container(DecoyDeployment d) {
    // Alerts go to standard output in Falco's format (the container log), spooled on the pod's emptyDir first; with
    // kubernetesEvents also to Events on the pod, which learns its name and namespace from the downward API.
    List<String> args = new ArrayList<>(List.of("decoy", "serve", "--bind", "0.0.0.0"));
    if (d.definition() == null) {
      args.addAll(List.of("--decoy", d.type() + ":" + CONTAINER_PORT, "--name", d.name(), "--service", d.serviceName(), "--namespace", d.namespace()));
    } else {
      args.addAll(List.of("--config", CONFIG_DIR + "/" + CONFIG_FILE));
    }
    args.addAll(List.of("--spool", "/var/spool/moat"));
    if (d.kubernetesEvents()) {
      args.add("--kubernetes-events");
    }
    return new ContainerBuilder().withName("decoy").withImage(d.image()).withArgs(args)
        .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue(POD_JVM_OPTIONS).endEnv()
        .addAllToEnv(d.kubernetesEvents() ? List.of(
            new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
            new EnvVarBuilder().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef()
                .endValueFrom().build()) : List.of())
        .addNewPort().withName("decoy").withContainerPort(CONTAINER_PORT).withProtocol("TCP").endPort()
        .withNewSecurityContext().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .withPrivileged(false).withCapabilities(new Capabilities(null, List.of("ALL"))).endSecurityContext()
        .withNewResources()
        .addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("cpu", new Quantity("500m")).addToLimits("memory", new Quantity("256Mi"))
        .endResources()
        .addNewVolumeMount().withName("spool").withMountPath("/var/spool/moat").endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .addAllToVolumeMounts(d.definition() == null ? List.of()
            : List.of(new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build()))
        .addAllToVolumeMounts(d.secretFiles() == null ? List.of()
            : List.of(new VolumeMountBuilder().withName("secret-files").withMountPath(SECRET_DIR).withReadOnly(true).build()))
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(CONTAINER_PORT)).endTcpSocket().endReadinessProbe()
        .build();
  }

  /** DNS to the cluster's resolver, and the alert sink's port when there is one; nothing else. */
  private static List<NetworkPolicyEgressRule> egress(DecoyDeployment d) {
    List<NetworkPolicyEgressRule> rules = new ArrayList<>();
    rules.add(new NetworkPolicyEgressRuleBuilder()
        .addNewTo().withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", "kube-system").endNamespaceSelector()
        .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector().endTo()
        .addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort()
        .build());
    if (d.alertEgress() != null) {
      int colon = d.alertEgress().lastIndexOf(':');
      int port = Integer.parseInt(d.alertEgress().substring(colon + 1));
      String host = d.alertEgress().substring(0, colon);
      NetworkPolicyEgressRuleBuilder sink = new NetworkPolicyEgressRuleBuilder();
      if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        sink.addNewTo().withNewIpBlock().withCidr(host + "/32").endIpBlock().endTo();
      }
      // A host name cannot be matched by a NetworkPolicy: only its port is then allowed (docs/decoys.md says so).
      rules.add(sink.addNewPort().withProtocol("TCP").withPort(new IntOrString(port)).endPort().build());
    }
    if (d.kubernetesEvents()) {
      rules.add(new NetworkPolicyEgressRuleBuilder().addNewPort().withProtocol("TCP").withPort(new IntOrString(443)).endPort()
          .addNewPort().withProtocol("TCP").withPort(new IntOrString(6443)).endPort().build());
    }
    return rules;
  }

  /** The Secret holding a decoy's TLS and host key files. */
  static String secretName(DecoyDeployment d) {
    return secretName(d.name());
  }

  /** The name of the Secret with the files of the decoy {@code decoyName}, when its entry names any. */
  public static String secretName(String decoyName) {
    return decoyName + "-files";
  }

  private static Map<String, String> labels(DecoyDeployment d) {
    Map<String, String> labels = new LinkedHashMap<>(d.labels());
    labels.put(DecoyDeployment.PART_OF, "moat");
    labels.put("app.kubernetes.io/managed-by", "moat");
    labels.put(DecoyDeployment.DECOY_LABEL, d.type());
    labels.put(DecoyDeployment.NAME_LABEL, d.name());
    return labels;
  }

  private static ObjectMeta meta(DecoyDeployment d, String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(d.namespace()).withLabels(labels(d)).build();
  }
}
