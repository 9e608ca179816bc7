package dev.moat.whitelist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tetragon TracingPolicyNamespaced (cilium.io/v1alpha1) that refuses every exec of a path not in the whitelist:
 * the LSM hook {@code bprm_check_security} with its {@code linux_binprm} argument (Tetragon resolves it to the
 * path of the file being executed), a selector {@code matchArgs: NotEqual} over the listed paths, and
 * {@code matchActions: Override} with {@code argError: -1} so execve fails with EPERM. Needs the BPF LSM
 * ({@code lsm=…,bpf} on the kernel command line).
 *
 * <p>Limits (Tetragon docs, concepts/tracing-policy/selectors.md, and pkg/selectors/kernel.go):
 * <ul>
 *   <li>{@code NotEqual} with several values is "arg != v1 AND arg != v2 …"; several {@code matchArgs} filters in
 *       one selector are ANDed; several selectors are ORed — an action runs when any selector matches.</li>
 *   <li>At most 5 {@code matchArgs} filters per selector (ParseMatchArgs: "up to 5 argument filters under
 *       matchArgs with kernels >= 5.3").</li>
 *   <li>String values live in BPF hash maps sized to the list, but kernels before 5.9 fix inner maps at 500
 *       entries ({@code fixedMaxEntriesPre5_9}): we put at most {@value #VALUES_PER_FILTER} values in a filter.</li>
 *   <li>A TracingPolicy holds 0 to 5 selectors per hook (selectors.md): at most {@value #SELECTORS_PER_HOOK}.</li>
 *   <li>Prefix/NotPrefix values are at most 256 bytes (StringPrefixMaxLength); Equal/NotEqual values at most
 *       4096 bytes on kernels ≥ 5.11.</li>
 * </ul>
 *
 * <p>Splitting keeps the meaning. Up to 5 × 500 paths fit one selector as up to five NotEqual filters (ANDed:
 * "not any listed path"). Beyond that, splitting the list over ORed selectors would be wrong (a path listed in
 * one selector is unlisted in the other, which would kill it), so the path space is partitioned instead by
 * disjoint prefixes (a character trie over the paths): each selector is {@code Prefix [its prefixes]} AND {@code NotEqual} chunks of
 * the listed paths under them, and one last selector is {@code NotPrefix [every partition prefix]} AND
 * {@code NotEqual} the listed paths outside them. Every exec falls under exactly one selector, which fires iff
 * the path is not listed. Selectors go five to a policy; the policies together refuse the same execs.
 */
final class TetragonExporter implements WhitelistExporter {

  static final int VALUES_PER_FILTER = 500;
  static final int FILTERS_PER_SELECTOR = 5;
  static final int SELECTORS_PER_HOOK = 5;
  static final int MAX_PREFIX_BYTES = 256;
  static final int MAX_VALUE_BYTES = 4096;

  @Override
  public List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException {
    KubernetesTarget target = KubernetesTarget.of(whitelist, options);
    List<String> paths = ExecutedPaths.of(whitelist);
    for (String path : paths) {
      if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= MAX_VALUE_BYTES) {
        throw new MoatException(Failure.INVALID_INPUT, "path " + path.substring(0, 64) + "… is longer than Tetragon matches (4095 bytes)",
            "use another export format for this image");
      }
    }
    List<ObjectNode> selectors = selectors(paths);
    List<List<ObjectNode>> perPolicy = new ArrayList<>();
    for (int i = 0; i < selectors.size(); i += SELECTORS_PER_HOOK) {
      perPolicy.add(selectors.subList(i, Math.min(selectors.size(), i + SELECTORS_PER_HOOK)));
    }
    List<ObjectNode> policies = new ArrayList<>();
    for (int i = 0; i < perPolicy.size(); i++) {
      String name = perPolicy.size() == 1 ? target.name() : suffixed(target.name(), "-" + (i + 1));
      policies.add(policy(whitelist, target, name, i + 1, perPolicy.size(), perPolicy.get(i)));
    }
    String header = "Moat whitelist of " + whitelist.image().reference() + " (" + whitelist.image().digest() + ")\n"
        + "kubectl apply -f this file (" + policies.size() + " polic" + (policies.size() == 1 ? "y" : "ies")
        + ", all needed); needs Tetragon with the BPF LSM enabled.";
    return List.of(new ExportedFile(target.name() + ".tetragon.yaml", PolicyYaml.write(header, policies)));
  }

  /** The selectors, in order, with the semantics described on the class. */
  static List<ObjectNode> selectors(List<String> paths) throws MoatException {
    if (paths.size() <= VALUES_PER_FILTER * FILTERS_PER_SELECTOR) {
      return List.of(selector(null, false, paths));
    }
    int room = VALUES_PER_FILTER * (FILTERS_PER_SELECTOR - 1);
    Map<String, List<String>> units = new TreeMap<>();
    List<String> rest = new ArrayList<>();
    partition("", paths, room, units, rest);
    List<ObjectNode> selectors = new ArrayList<>();
    List<String> groupDirs = new ArrayList<>();
    List<String> groupPaths = new ArrayList<>();
    for (Map.Entry<String, List<String>> unit : units.entrySet()) {
      if (!groupDirs.isEmpty()
          && (groupPaths.size() + unit.getValue().size() > room || groupDirs.size() == VALUES_PER_FILTER)) {
        selectors.add(selector(List.copyOf(groupDirs), false, List.copyOf(groupPaths)));
        groupDirs.clear();
        groupPaths.clear();
      }
      groupDirs.add(unit.getKey());
      groupPaths.addAll(unit.getValue());
    }
    if (!groupDirs.isEmpty()) {
      selectors.add(selector(List.copyOf(groupDirs), false, List.copyOf(groupPaths)));
    }
    if (rest.size() > room || units.size() > VALUES_PER_FILTER) {
      throw new MoatException(Failure.INVALID_INPUT, "the whitelist has " + rest.size() + " files directly in split directories and "
          + units.size() + " directories: more than Tetragon selectors can hold", "use the kubearmor, falco or fapolicyd format for this image");
    }
    selectors.add(selector(List.copyOf(units.keySet()), true, rest));
    return selectors;
  }

  /**
   * Splits the paths that start with {@code prefix} by their next character into prefix-free groups of at most
   * {@code room} paths (a character trie, so a flat directory of thousands of files splits too); a path equal
   * to a prefix that had to be split goes to {@code rest}.
   */
  private static void partition(String prefix, List<String> paths, int room, Map<String, List<String>> units, List<String> rest)
      throws MoatException {
    Map<String, List<String>> children = new TreeMap<>();
    for (String path : paths) {
      if (path.length() == prefix.length()) {
        rest.add(path);
      } else {
        int end = path.offsetByCodePoints(prefix.length(), 1);
        children.computeIfAbsent(path.substring(0, end), k -> new ArrayList<>()).add(path);
      }
    }
    for (Map.Entry<String, List<String>> child : children.entrySet()) {
      if (child.getValue().size() <= room) {
        if (child.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
          throw new MoatException(Failure.INVALID_INPUT, "prefix " + child.getKey() + " is longer than a Tetragon prefix (256 bytes)",
              "use another export format for this image");
        }
        units.put(child.getKey(), child.getValue());
      } else {
        partition(child.getKey(), child.getValue(), room, units, rest);
      }
    }
  }

  private static ObjectNode selector(List<String> dirs, boolean notPrefix, List<String> paths) {
    ObjectNode selector = PolicyYaml.MAPPER.createObjectNode();
    ArrayNode matchArgs = selector.putArray("matchArgs");
    if (dirs != null) {
      ObjectNode prefix = matchArgs.addObject();
      prefix.put("index", 0);
      prefix.put("operator", notPrefix ? "NotPrefix" : "Prefix");
      ArrayNode values = prefix.putArray("values");
      dirs.forEach(values::add);
    }
    for (int i = 0; i < paths.size(); i += VALUES_PER_FILTER) {
      ObjectNode notEqual = matchArgs.addObject();
      notEqual.put("index", 0);
      notEqual.put("operator", "NotEqual");
      ArrayNode values = notEqual.putArray("values");
      paths.subList(i, Math.min(paths.size(), i + VALUES_PER_FILTER)).forEach(values::add);
    }
    ObjectNode action = selector.putArray("matchActions").addObject();
    action.put("action", "Override");
    action.put("argError", -1);
    return selector;
  }

  private static ObjectNode policy(Whitelist whitelist, KubernetesTarget target, String name, int part, int parts, List<ObjectNode> selectors) {
    ObjectNode policy = PolicyYaml.MAPPER.createObjectNode();
    policy.put("apiVersion", "cilium.io/v1alpha1");
    policy.put("kind", "TracingPolicyNamespaced");
    ObjectNode metadata = policy.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", target.namespace());
    metadata.putObject("labels").put("app.kubernetes.io/managed-by", "moat");
    ObjectNode annotations = metadata.putObject("annotations");
    annotations.put("moat.dev/image", whitelist.image().reference());
    annotations.put("moat.dev/image-digest", whitelist.image().digest());
    annotations.put("moat.dev/part", part + "/" + parts);
    ObjectNode spec = policy.putObject("spec");
    if (!target.labels().isEmpty()) {
      ObjectNode matchLabels = spec.putObject("podSelector").putObject("matchLabels");
      target.labels().forEach(matchLabels::put);
    }
    ObjectNode hook = spec.putArray("lsmhooks").addObject();
    hook.put("hook", "bprm_check_security");
    ObjectNode arg = hook.putArray("args").addObject();
    arg.put("index", 0);
    arg.put("type", "linux_binprm");
    hook.put("message", "moat: exec refused, not in the whitelist of " + abbreviate(whitelist.image().repository()));
    hook.putArray("tags").add("moat").add("drift");
    ArrayNode array = hook.putArray("selectors");
    selectors.forEach(array::add);
    return policy;
  }

  private static String abbreviate(String value) {
    return value.length() <= 180 ? value : value.substring(0, 180) + "…";
  }

  private static String suffixed(String name, String suffix) {
    return (name.length() + suffix.length() > 253 ? name.substring(0, 253 - suffix.length()) : name) + suffix;
  }
}
