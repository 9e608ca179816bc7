package dev.moat.whitelist;

import dev.moat.SharedSchemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.networknt.schema.JsonSchema;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WhitelistExporterTest {

  private static final ExportOptions OPTIONS = new ExportOptions(Map.of("app", "web", "app.kubernetes.io/part-of", "shop"), "prod", null);

  @Test
  void kubeArmorPolicyAllowsEveryExecutedPathKeepsFilesOpenAndMatchesTheCrd() throws Exception {
    JsonNode policy = single(export(ExportFormat.KUBEARMOR, TestWhitelists.sample(), OPTIONS));
    assertThat(SharedSchemas.crd("kubearmor/KubeArmorPolicy.crd.yaml", "v1").validate(policy)).isEmpty();
    assertThat(policy.path("metadata").path("name").asText()).isEqualTo("moat-app-abababababab");
    assertThat(policy.path("metadata").path("namespace").asText()).isEqualTo("prod");
    assertThat(policy.path("metadata").path("annotations").path("moat.dev/image-digest").asText()).isEqualTo(TestWhitelists.DIGEST);
    assertThat(policy.path("spec").path("selector").path("matchLabels").path("app").asText()).isEqualTo("web");
    assertThat(policy.path("spec").path("action").asText()).isEqualTo("Allow");
    assertThat(values(policy.path("spec").path("process").path("matchPaths"), "path"))
        .containsExactly("/bin/busybox", "/usr/bin/app", "/usr/local/bin/entry point.sh");
    JsonNode root = policy.path("spec").path("file").path("matchDirectories").get(0);
    assertThat(root.path("dir").asText()).isEqualTo("/");
    assertThat(root.path("recursive").asBoolean()).isTrue();
  }

  @Test
  void aMisspelledKubeArmorFieldIsCaughtByTheSchemaCheck() throws Exception {
    JsonNode policy = single(export(ExportFormat.KUBEARMOR, TestWhitelists.sample(), OPTIONS));
    ((com.fasterxml.jackson.databind.node.ObjectNode) policy.path("spec")).put("acton", "Allow");
    assertThat(SharedSchemas.crd("kubearmor/KubeArmorPolicy.crd.yaml", "v1").validate(policy)).isNotEmpty();
  }

  @Test
  void tetragonPolicyRefusesUnlistedExecsThroughTheLsmHookAndMatchesTheCrd() throws Exception {
    List<JsonNode> policies = documents(export(ExportFormat.TETRAGON, TestWhitelists.sample(), OPTIONS));
    assertThat(policies).hasSize(1);
    JsonNode policy = policies.get(0);
    assertThat(tetragonSchema().validate(policy)).isEmpty();
    assertThat(policy.path("kind").asText()).isEqualTo("TracingPolicyNamespaced");
    assertThat(policy.path("spec").path("podSelector").path("matchLabels").path("app.kubernetes.io/part-of").asText()).isEqualTo("shop");
    JsonNode hook = policy.path("spec").path("lsmhooks").get(0);
    assertThat(hook.path("hook").asText()).isEqualTo("bprm_check_security");
    assertThat(hook.path("args").get(0).path("type").asText()).isEqualTo("linux_binprm");
    JsonNode selector = hook.path("selectors").get(0);
    assertThat(selector.path("matchArgs").get(0).path("operator").asText()).isEqualTo("NotEqual");
    assertThat(texts(selector.path("matchArgs").get(0).path("values"))).containsExactly("/bin/busybox", "/usr/bin/app", "/usr/local/bin/entry point.sh");
    assertThat(selector.path("matchActions").get(0).path("action").asText()).isEqualTo("Override");
    assertThat(refused(policies, "/bin/busybox")).isFalse();
    assertThat(refused(policies, "/tmp/dropped")).isTrue();
  }

  @Test
  void aLargeTetragonWhitelistIsPartitionedWithinTheLimitsWithoutChangingWhatIsRefused() throws Exception {
    Whitelist large = TestWhitelists.large(9000);
    List<JsonNode> policies = documents(export(ExportFormat.TETRAGON, large, OPTIONS));
    JsonSchema schema = tetragonSchema();
    assertThat(policies).hasSizeGreaterThan(1);
    List<String> names = new ArrayList<>();
    for (JsonNode policy : policies) {
      assertThat(schema.validate(policy)).isEmpty();
      names.add(policy.path("metadata").path("name").asText());
      JsonNode selectors = policy.path("spec").path("lsmhooks").get(0).path("selectors");
      assertThat(selectors.size()).isBetween(1, TetragonExporter.SELECTORS_PER_HOOK);
      for (JsonNode selector : selectors) {
        assertThat(selector.path("matchArgs").size()).isBetween(1, TetragonExporter.FILTERS_PER_SELECTOR);
        selector.path("matchArgs").forEach(f -> assertThat(f.path("values").size()).isBetween(1, TetragonExporter.VALUES_PER_FILTER));
      }
    }
    assertThat(names).doesNotHaveDuplicates();
    for (String path : ExecutedPaths.of(large)) {
      assertThat(refused(policies, path)).as(path).isFalse();
    }
    for (String path : List.of("/usr/bin/evil", "/usr/lib/x86_64-linux-gnu/pkg3/evil", "/opt/tool1/bin/f2", "/tmp/x", "/initx", "/usr/evil", "/")) {
      assertThat(refused(policies, path)).as(path).isTrue();
    }
  }

  @Test
  void falcoRulesListThePathsAndKeyTheRuleOnTheImage() throws Exception {
    List<ExportedFile> files = export(ExportFormat.FALCO, TestWhitelists.sample(), OPTIONS);
    assertThat(files).hasSize(1);
    JsonNode rules = SharedSchemas.YAML.readTree(files.get(0).content());
    assertThat(rules.isArray()).isTrue();
    JsonNode list = rules.get(0);
    JsonNode macro = rules.get(1);
    JsonNode rule = rules.get(2);
    // Falco pastes list items into the condition: the item with a space carries its own double quotes
    assertThat(texts(list.path("items"))).containsExactly("/bin/busybox", "/usr/bin/app", "\"/usr/local/bin/entry point.sh\"");
    assertThat(macro.path("condition").asText())
        .contains("container.image.repository in (\"127.0.0.1:5000/team/app\")")
        .contains("\"" + TestWhitelists.DIGEST + "\"").contains("\"" + TestWhitelists.AMD64 + "\"").contains("container.image.digest = \"\"");
    assertThat(rule.path("condition").asText()).isEqualTo("spawned_process and container and " + macro.path("macro").asText()
        + " and not proc.exepath in (" + list.path("list").asText() + ")");
    assertThat(rule.path("output").asText()).contains("%proc.exepath").contains("%proc.cmdline").contains("%container.image.digest");
    assertThat(texts(rule.path("tags"))).contains("drift", "T1059");
    assertThat(rule.path("priority").asText()).isEqualTo("CRITICAL");
  }

  @Test
  void fapolicydTrustFilesListEveryFileUnderTheRootWithEscapedPathsOnePerPlatformAndRulesGovernOnlyThatRoot() throws Exception {
    List<ExportedFile> files = WhitelistExporter.of(ExportFormat.FAPOLICYD).export(TestWhitelists.sample(), ExportOptions.defaults().withRootPrefix("/srv/app/rootfs/"));
    assertThat(files).extracting(ExportedFile::fileName)
        .containsExactly("moat-app-abababababab-linux-amd64.trust", "moat-app-abababababab-linux-arm64.trust", "35-moat-app-abababababab.rules");
    String amd64 = new String(files.get(0).content(), StandardCharsets.UTF_8);
    String arm64 = new String(files.get(1).content(), StandardCharsets.UTF_8);
    String rules = new String(files.get(2).content(), StandardCharsets.UTF_8);
    assertThat(amd64.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
        "/srv/app/rootfs/bin/busybox 1000 " + TestWhitelists.hash('a'),
        "/srv/app/rootfs/usr/bin/app 5000 " + TestWhitelists.hash('c'),
        "/srv/app/rootfs/usr/local/bin/entry%20point.sh 42 " + TestWhitelists.hash('b'));
    assertThat(amd64).contains("# platform: linux/amd64 (" + TestWhitelists.AMD64 + ")");
    assertThat(arm64.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
        "/srv/app/rootfs/bin/busybox 1100 " + TestWhitelists.hash('d'),
        "/srv/app/rootfs/usr/bin/app 5100 " + TestWhitelists.hash('e'));
    assertThat(rules.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
        "allow perm=execute all : dir=/srv/app/rootfs/ trust=1",
        "deny_audit perm=execute all : dir=/srv/app/rootfs/");
    assertThat(rules).contains("the one for this host's platform");
  }

  @Test
  void aSinglePlatformWhitelistGivesOneTrustFileNamedAfterThePolicy() throws Exception {
    List<ExportedFile> files = WhitelistExporter.of(ExportFormat.FAPOLICYD).export(TestWhitelists.large(3), ExportOptions.defaults());
    assertThat(files).extracting(ExportedFile::fileName).containsExactly("moat-big-abababababab.trust", "35-moat-big-abababababab.rules");
  }

  @Test
  void fapolicydRejectsARelativeRootPrefix() {
    assertThatThrownBy(() -> WhitelistExporter.of(ExportFormat.FAPOLICYD).export(TestWhitelists.sample(), ExportOptions.defaults().withRootPrefix("rootfs")))
        .isInstanceOf(MoatException.class).hasMessageContaining("'rootfs'")
        .satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void theSameWhitelistExportsToTheSameBytes(ExportFormat format) throws Exception {
    List<ExportedFile> first = export(format, TestWhitelists.sample(), OPTIONS);
    List<ExportedFile> second = export(format, WhitelistDocument.parse(WhitelistDocument.toBytes(TestWhitelists.sample()), "copy"), OPTIONS);
    assertThat(first).hasSameSizeAs(second);
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i).fileName()).isEqualTo(second.get(i).fileName());
      assertThat(first.get(i).content()).isEqualTo(second.get(i).content());
    }
  }

  @Test
  void aSelectorWithoutAnEqualsSignIsRejectedNamingIt() {
    assertThatThrownBy(() -> ExportOptions.parseSelector(List.of("foo")))
        .isInstanceOf(MoatException.class).hasMessageContaining("'foo'")
        .satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  @Test
  void selectorsParseIntoLabels() throws Exception {
    assertThat(ExportOptions.parseSelector(List.of("app=web,tier=front", "team=a"))).containsEntry("app", "web").containsEntry("tier", "front").containsEntry("team", "a");
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"KUBEARMOR", "TETRAGON"})
  void invalidNamespaceLabelsAndNamesAreRejectedNamingTheValue(ExportFormat format) {
    WhitelistExporter exporter = WhitelistExporter.of(format);
    assertThatThrownBy(() -> exporter.export(TestWhitelists.sample(), new ExportOptions(Map.of(), "Bad_NS", null)))
        .isInstanceOf(MoatException.class).hasMessageContaining("'Bad_NS'");
    assertThatThrownBy(() -> exporter.export(TestWhitelists.sample(), new ExportOptions(Map.of("app", "we b"), null, null)))
        .isInstanceOf(MoatException.class).hasMessageContaining("'app=we b'");
    assertThatThrownBy(() -> exporter.export(TestWhitelists.sample(), new ExportOptions(Map.of(), null, "-policy")))
        .isInstanceOf(MoatException.class).hasMessageContaining("'-policy'")
        .satisfies(e -> assertThat(((MoatException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
  }

  @Test
  void theDerivedNameIsAValidDnsLabelEvenForLongOddRepositories() {
    String name = KubernetesTarget.derivedName(new Whitelist.ImageInfo("x", "host:5000/" + "Very_Long.Name-".repeat(8), TestWhitelists.DIGEST));
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").endsWith("-abababababab");
  }

  /** Tetragon's documented semantics: selectors ORed, matchArgs ANDed, NotEqual/NotPrefix "none of", Prefix "any of". */
  private static boolean refused(List<JsonNode> policies, String path) {
    for (JsonNode policy : policies) {
      for (JsonNode selector : policy.path("spec").path("lsmhooks").get(0).path("selectors")) {
        boolean all = true;
        for (JsonNode filter : selector.path("matchArgs")) {
          List<String> values = texts(filter.path("values"));
          boolean matches;
          switch (filter.path("operator").asText()) {
            case "NotEqual":
              matches = !values.contains(path);
              break;
            case "Prefix":
              matches = values.stream().anyMatch(path::startsWith);
              break;
            case "NotPrefix":
              matches = values.stream().noneMatch(path::startsWith);
              break;
            default:
              throw new AssertionError("unexpected operator " + filter);
          }
          all &= matches;
        }
        if (all) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonSchema tetragonSchema() throws Exception {
    return SharedSchemas.crd("tetragon/cilium.io_tracingpoliciesnamespaced.yaml", "v1alpha1");
  }

  private static List<ExportedFile> export(ExportFormat format, Whitelist whitelist, ExportOptions options) throws MoatException {
    return WhitelistExporter.of(format).export(whitelist, options);
  }

  private static JsonNode single(List<ExportedFile> files) throws Exception {
    assertThat(files).hasSize(1);
    List<JsonNode> docs = documents(files);
    assertThat(docs).hasSize(1);
    return docs.get(0);
  }

  private static List<JsonNode> documents(List<ExportedFile> files) throws Exception {
    try (MappingIterator<JsonNode> it = SharedSchemas.YAML.readerFor(JsonNode.class).readValues(files.get(0).content())) {
      return it.readAll();
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> values(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  @Test
  void aKubernetesPolicyWithoutSelectorIsFlaggedAsCoveringTheWholeNamespace() {
    assertThat(ExportOptions.defaults().riskFor(ExportFormat.KUBEARMOR)).contains("every pod of namespace default", "--selector");
    assertThat(new ExportOptions(java.util.Map.of(), "shop", null).riskFor(ExportFormat.TETRAGON)).contains("namespace shop");
    assertThat(new ExportOptions(java.util.Map.of("app", "web"), "shop", null).riskFor(ExportFormat.TETRAGON)).isNull();
    assertThat(ExportOptions.defaults().riskFor(ExportFormat.FALCO)).as("Falco rules match on the image").isNull();
    assertThat(ExportOptions.defaults().riskFor(ExportFormat.FAPOLICYD)).isNull();
  }
}
