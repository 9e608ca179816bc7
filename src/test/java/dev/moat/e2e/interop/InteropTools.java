package dev.moat.e2e.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The other implementations Moat is tested against: the scripts and the sigstore-js project in {@code
 * src/test/interop} (curl, openssl, jq, node), the real registry and image tools. Tests skip, saying what
 * to install, where a tool is missing.
 */
final class InteropTools {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private InteropTools() {}

  /** {@code src/test/interop}: the scripts and the sigstore-js package. */
  static Path dir() {
    return MoatProcess.projectRoot().resolve("src/test/interop");
  }

  /**
   * Why the tests cannot run here, or null when every tool they need is present: the registry and image
   * tools, sh/curl/openssl/jq for the scripts and, with {@code sigstoreJs}, node and the installed
   * sigstore-js packages.
   */
  static String missingTools(boolean sigstoreJs) {
    if (!LocalRegistry.available()) {
      return "docker-registry is not installed (apt-get install docker-registry); .ci/run installs it";
    }
    if (!TestImages.toolsAvailable()) {
      return "umoci and skopeo are not installed; .ci/run installs them";
    }
    for (String tool : List.of("sh", "curl", "openssl", "jq")) {
      if (!onPath(tool)) {
        return tool + " is not on the PATH; the interop scripts in src/test/interop need curl, openssl and jq";
      }
    }
    if (sigstoreJs) {
      if (!onPath("node")) {
        return "node is not on the PATH; the sigstore-js interop tests need Node.js 20.17 or later";
      }
      for (String module : List.of("@sigstore/verify", "@sigstore/sign", "@sigstore/bundle", "@sigstore/protobuf-specs")) {
        if (!Files.isDirectory(dir().resolve("node_modules").resolve(module))) {
          return module + " is not installed; run: npm ci --no-audit --no-fund --prefix src/test/interop";
        }
      }
    }
    return null;
  }

  /** Skips the calling test, with the reason, when {@code missing} is not null. */
  static void assumeTools(String missing) {
    assumeTrue(missing == null, missing);
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code src/test/interop/NAME} with sh. */
  static MoatProcess.Result script(Path work, String name, String... args) throws IOException, InterruptedException {
    return script(Map.of(), work, name, args);
  }

  /** Runs {@code src/test/interop/NAME} with sh and extra environment variables. */
  static MoatProcess.Result script(Map<String, String> env, Path work, String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", dir().resolve(name).toString()));
    command.addAll(List.of(args));
    return MoatProcess.exec(command, env, work, 120);
  }

  /** Runs {@code src/test/interop/NAME} with node. */
  static MoatProcess.Result node(Path work, String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", dir().resolve(name).toString()));
    command.addAll(List.of(args));
    return MoatProcess.exec(command, Map.of(), work, 120);
  }

  static MoatProcess.Result moat(Path work, String... args) throws IOException, InterruptedException {
    return MoatProcess.run(Map.of(), work, args);
  }

  /** Generates a PKCS#8 key pair with Moat: {@code NAME.key} and {@code NAME.pub} in {@code work}. */
  /**
   * A plain registry holding {@code team/app:v1} and {@code team/app:v2} (two different images), with key
   * pairs alice and bob generated in {@code dir}.
   */
  static LocalRegistry registryWithTwoImages(Path dir) throws IOException, InterruptedException {
    LocalRegistry registry = LocalRegistry.plain();
    Path layout = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "one"));
    TestImages.push(layout, "v1", registry, "team/app:v1");
    TestImages.build(dir, "v2", "amd64", Map.of("/etc/app", "two"));
    TestImages.push(layout, "v2", registry, "team/app:v2");
    MoatProcess.generateKeys(dir, "alice", "bob");
    return registry;
  }


  /** Copies {@code docker://REGISTRY/from} to {@code docker://REGISTRY/to} with skopeo. */
  static void copy(Path work, LocalRegistry registry, String from, String to) throws IOException, InterruptedException {
    TestImages.copyWithin(registry, from, to);
  }

  /** The manifest digest skopeo reports for {@code docker://REGISTRY/repositoryAndTag}. */
  static String digest(Path work, LocalRegistry registry, String repositoryAndTag) throws IOException, InterruptedException {
    return TestImages.digest(registry.host() + "/" + repositoryAndTag);
  }

  /** The tag-form of a digest: {@code sha256-<hex>}. */
  static String tagForm(String digest) {
    return digest.replace(':', '-');
  }

  /** GETs an OCI image manifest from the registry's HTTP API. */
  static byte[] getManifest(LocalRegistry registry, String repository, String reference) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(manifestUri(registry, repository, reference))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as("GET %s:%s", repository, reference).isEqualTo(200);
    return response.body();
  }

  /** PUTs an OCI image manifest under {@code reference}. */
  static void putManifest(LocalRegistry registry, String repository, String reference, byte[] manifest) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(manifestUri(registry, repository, reference))
        .header("Content-Type", "application/vnd.oci.image.manifest.v1+json").PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("PUT %s:%s: %s", repository, reference, response.body()).isEqualTo(201);
  }

  private static URI manifestUri(LocalRegistry registry, String repository, String reference) {
    return URI.create("http://" + registry.host() + "/v2/" + repository + "/manifests/" + reference);
  }

  /**
   * Alters one byte of a base64 DER ECDSA signature: the last byte of {@code s}. The DER stays well formed,
   * so what fails is the signature check itself, not parsing.
   */
  static String flipLastByte(String base64Signature) {
    byte[] signature = Base64.getDecoder().decode(base64Signature);
    signature[signature.length - 1] ^= 0x01;
    return Base64.getEncoder().encodeToString(signature);
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  static JsonNode json(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }
}
