package dev.moat.whitelist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.MoatException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A Falco rules file: a {@code list} of the executed paths, a {@code macro} that recognises the image (its
 * repository in the spellings runtimes report, and one of its digests — or no digest, for runtimes that do not
 * report one), and a rule on {@code spawned_process} whose output names the drifted executable
 * ({@code proc.exepath}), its command line, the container and the image. Load it with {@code falco -r} or
 * drop it in {@code /etc/falco/rules.d/}; it uses the {@code spawned_process} and {@code container} macros of
 * Falco's default rules.
 */
final class FalcoExporter implements WhitelistExporter {

  /** A path Falco can take as a bare list item. */
  private static final Pattern BARE_ITEM = Pattern.compile("[A-Za-z0-9/._+@:~=-]+");

  @Override
  public List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException {
    String name = options.name() == null ? KubernetesTarget.derivedName(whitelist.image()) : options.name();
    KubernetesTarget.of(whitelist, new ExportOptions(java.util.Map.of(), null, name));
    String id = name.replaceAll("[^A-Za-z0-9]", "_");
    String list = id + "_allowed_paths";
    String macro = id + "_image";
    List<ObjectNode> documents = new ArrayList<>();
    ObjectNode listNode = PolicyYaml.MAPPER.createObjectNode();
    ArrayNode items = listNode.put("list", list).putArray("items");
    ExecutedPaths.of(whitelist).forEach(path -> items.add(listItem(path)));
    TreeSet<String> digests = new TreeSet<>();
    digests.add(whitelist.image().digest());
    whitelist.platforms().forEach(p -> digests.add(p.manifestDigest()));
    TreeSet<String> repositories = new TreeSet<>();
    String repository = whitelist.image().repository();
    repositories.add(repository);
    String shortName = DriftChecker.normaliseRepository(repository);
    repositories.add(shortName);
    if (!shortName.contains("/")) {
      repositories.add("docker.io/library/" + shortName);
    } else if (!shortName.contains(".") && !shortName.contains(":") && !shortName.startsWith("localhost")) {
      repositories.add("docker.io/" + shortName);
    }
    ObjectNode macroNode = PolicyYaml.MAPPER.createObjectNode();
    macroNode.put("macro", macro);
    macroNode.put("condition", "(container.image.repository in (" + quoted(repositories) + ") and (container.image.digest in ("
        + quoted(digests) + ") or container.image.digest = \"\"))");
    ObjectNode rule = PolicyYaml.MAPPER.createObjectNode();
    rule.put("rule", "Moat drift in " + repository);
    rule.put("desc", "An executable that is not in the Moat whitelist of " + whitelist.image().reference() + " ran in a container of that image");
    rule.put("condition", "spawned_process and container and " + macro + " and not proc.exepath in (" + list + ")");
    rule.put("output", "Executable not in the Moat whitelist ran (proc.exepath=%proc.exepath proc.cmdline=%proc.cmdline "
        + "proc.pname=%proc.pname user.name=%user.name container.id=%container.id container.name=%container.name "
        + "container.image.repository=%container.image.repository container.image.tag=%container.image.tag "
        + "container.image.digest=%container.image.digest k8s.ns.name=%k8s.ns.name k8s.pod.name=%k8s.pod.name)");
    rule.put("priority", "CRITICAL");
    rule.putArray("tags").add("container").add("drift").add("moat").add("mitre_execution").add("T1059");
    documents.add(listNode);
    documents.add(macroNode);
    documents.add(rule);
    ArrayNode file = PolicyYaml.MAPPER.createArrayNode();
    documents.forEach(file::add);
    String header = "Moat whitelist of " + whitelist.image().reference() + " (" + whitelist.image().digest() + ")\n"
        + "falco -r this file, or copy it to /etc/falco/rules.d/ (needs Falco's default rules for spawned_process and container).";
    return List.of(new ExportedFile(name + ".falco.yaml", PolicyYaml.write(header, List.of(file))));
  }

  /**
   * A path as a Falco list item. Falco pastes list items into the condition, so an item with a space, a parenthesis,
   * a comma or a quote must carry its own double quotes (falco.org, "Escaping Special Characters": {@code '"(systemd)"'}).
   */
  static String listItem(String path) {
    return BARE_ITEM.matcher(path).matches() ? path : "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String quoted(TreeSet<String> values) {
    return String.join(", ", values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
  }
}
