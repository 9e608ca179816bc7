package dev.moat.whitelist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.MoatException;
import java.util.List;
import java.util.TreeSet;

/**
 * A KubeArmorPolicy (security.kubearmor.com/v1) in allow mode: {@code process.matchPaths} lists every executed
 * path and {@code action: Allow} makes everything else refused. KubeArmor's allow mode applies per resource
 * kind present in the policy, so {@code file: matchDirectories: [{dir: /, recursive: true}]} keeps file access
 * open, as KubeArmor documents for process-only allow lists. The CRD caps a {@code matchPaths} path at 200
 * characters; a longer path is allowed through its directory (non-recursive {@code matchDirectories}).
 */
final class KubeArmorExporter implements WhitelistExporter {

  static final int MAX_PATH = 200;

  @Override
  public List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException {
    KubernetesTarget target = KubernetesTarget.of(whitelist, options);
    ObjectNode policy = PolicyYaml.MAPPER.createObjectNode();
    policy.put("apiVersion", "security.kubearmor.com/v1");
    policy.put("kind", "KubeArmorPolicy");
    ObjectNode metadata = policy.putObject("metadata");
    metadata.put("name", target.name());
    metadata.put("namespace", target.namespace());
    metadata.putObject("labels").put("app.kubernetes.io/managed-by", "moat");
    ObjectNode annotations = metadata.putObject("annotations");
    annotations.put("moat.dev/image", whitelist.image().reference());
    annotations.put("moat.dev/image-digest", whitelist.image().digest());
    annotations.put("moat.dev/platforms", String.join(",", whitelist.platforms().stream().map(PlatformWhitelist::platform).toList()));
    ObjectNode spec = policy.putObject("spec");
    ObjectNode matchLabels = spec.putObject("selector").putObject("matchLabels");
    target.labels().forEach(matchLabels::put);
    spec.put("severity", 7);
    spec.put("message", "executable not in the Moat whitelist of " + whitelist.image().repository());
    ArrayNode tags = spec.putArray("tags");
    tags.add("moat").add("drift").add("MITRE").add("MITRE_T1059_command_and_scripting_interpreter");
    ObjectNode process = spec.putObject("process");
    ArrayNode paths = process.putArray("matchPaths");
    TreeSet<String> longPathDirs = new TreeSet<>();
    for (String path : ExecutedPaths.of(whitelist)) {
      if (path.length() <= MAX_PATH) {
        paths.addObject().put("path", path);
      } else {
        longPathDirs.add(path.substring(0, path.lastIndexOf('/') + 1));
      }
    }
    if (!longPathDirs.isEmpty()) {
      ArrayNode dirs = process.putArray("matchDirectories");
      longPathDirs.forEach(d -> dirs.addObject().put("dir", d));
    }
    ObjectNode root = spec.putObject("file").putArray("matchDirectories").addObject();
    root.put("dir", "/");
    root.put("recursive", true);
    spec.put("action", "Allow");
    String header = "Moat whitelist of " + whitelist.image().reference() + " (" + whitelist.image().digest() + ")\n"
        + "kubectl apply -f this file; KubeArmor then refuses any other executable in the selected pods.";
    return List.of(new ExportedFile(target.name() + ".kubearmor.yaml", PolicyYaml.write(header, List.of(policy))));
  }
}
