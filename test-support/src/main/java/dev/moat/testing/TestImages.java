package dev.moat.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.image.Descriptor;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.MediaTypes;
import dev.moat.image.OciLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test images built with the real tools: umoci makes OCI layouts (rootless unpack/repack), skopeo pushes
 * them to registries. Multi-platform indexes are assembled from two umoci images.
 */
public final class TestImages {

  private TestImages() {}

  /** Skips the calling test, with a message saying what to install, when the registry or image tools are missing. */
  public static void assumeToolsInstalled() {
    org.junit.jupiter.api.Assumptions.assumeTrue(LocalRegistry.available(),
        "skipped: docker-registry is not installed (apt-get install docker-registry); .ci/run installs it");
    org.junit.jupiter.api.Assumptions.assumeTrue(toolsAvailable(), "skipped: umoci and skopeo are not installed (apt-get install umoci skopeo); .ci/run installs them");
  }

  public static boolean toolsAvailable() {
    return Files.isExecutable(Path.of("/usr/bin/umoci")) && Files.isExecutable(Path.of("/usr/bin/skopeo"));
  }

  /** Builds {@code oci:LAYOUT:tag} with busybox and {@code files} (path → content), for {@code arch}. */
  public static Path build(Path work, String tag, String arch, Map<String, String> files) throws IOException, InterruptedException {
    Path layout = work.resolve("layout");
    if (!Files.exists(layout.resolve("index.json"))) {
      sh(work, "umoci", "init", "--layout", layout.toString());
    }
    sh(work, "umoci", "new", "--image", layout + ":" + tag);
    sh(work, "umoci", "config", "--image", layout + ":" + tag, "--os", "linux", "--architecture", arch);
    Path bundle = work.resolve("bundle-" + tag);
    sh(work, "umoci", "unpack", "--rootless", "--image", layout + ":" + tag, bundle.toString());
    Path rootfs = bundle.resolve("rootfs");
    Files.createDirectories(rootfs.resolve("bin"));
    if (Files.exists(Path.of("/bin/busybox"))) {
      Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = rootfs.resolve(f.getKey().replaceFirst("^/", ""));
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    sh(work, "umoci", "repack", "--image", layout + ":" + tag, bundle.toString());
    TempFiles.deleteTree(bundle);
    return layout;
  }

  /** Builds an index tagged {@code tag} over an amd64 and an arm64 image in the same layout. */
  public static Path buildMultiArch(Path work, String tag) throws Exception {
    Path layout = build(work, tag + "-amd64", "amd64", Map.of("/etc/platform", "amd64"));
    build(work, tag + "-arm64", "arm64", Map.of("/etc/platform", "arm64"));
    OciLayout oci = OciLayout.open(layout);
    ObjectNode index = Json.MAPPER.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    var manifests = index.putArray("manifests");
    for (String arch : List.of("amd64", "arm64")) {
      Manifest m = oci.fetchManifest(tag + "-" + arch);
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", m.mediaType());
      entry.put("digest", m.digest().toString());
      entry.put("size", m.bytes().length);
      entry.putObject("platform").put("architecture", arch).put("os", "linux");
    }
    oci.pushManifest(Json.manifest(Json.bytes(index), MediaTypes.OCI_INDEX, "test index"), tag);
    return layout;
  }

  /** Pushes {@code oci:layout:tag} (all platforms) to {@code docker://target} with skopeo. */
  public static void push(Path layout, String tag, LocalRegistry registry, String repositoryAndTag) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "-q", "--all", "--preserve-digests"));
    cmd.addAll(destinationFlags(registry));
    cmd.add("oci:" + layout + ":" + tag);
    cmd.add("docker://" + registry.host() + "/" + repositoryAndTag);
    sh(layout.getParent(), cmd.toArray(new String[0]));
  }

  /**
   * Copies {@code from} to {@code to} (both {@code repository:tag}) inside one plain-HTTP registry with skopeo,
   * so a test gets its own repository; returns the full reference of the copy.
   */
  public static String copyWithin(LocalRegistry registry, String from, String to) throws IOException, InterruptedException {
    String image = registry.host() + "/" + to;
    sh(null, "skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + registry.host() + "/" + from, "docker://" + image);
    return image;
  }

  /** The manifest digest skopeo reports for {@code image} (a full reference) in a plain-HTTP registry. */
  public static String digest(String image) throws IOException, InterruptedException {
    String digest = sh(null, "skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + image).trim();
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IOException("skopeo reported no digest for " + image + ": " + digest);
    }
    return digest;
  }

  /**
   * The digests of the platforms' manifests in the index at {@code image} (a full reference) in a plain-HTTP
   * registry, as skopeo reads them (not Moat).
   */
  public static List<String> platformDigests(String image) throws IOException, InterruptedException {
    List<String> digests = new ArrayList<>();
    Json.MAPPER.readTree(sh(null, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + image))
        .path("manifests").forEach(m -> digests.add(m.path("digest").asText()));
    return digests;
  }

  public static List<String> destinationFlags(LocalRegistry registry) {
    List<String> flags = new ArrayList<>();
    if (registry.caCertificate() == null) {
      flags.add("--dest-tls-verify=false");
    } else {
      flags.add("--dest-cert-dir=" + registry.caCertificate().getParent());
    }
    if (registry.username() != null) {
      flags.add("--dest-creds=" + registry.username() + ":" + registry.password());
    }
    return flags;
  }

  public static String sh(Path dir, String... command) throws IOException, InterruptedException {
    MoatProcess.Result r = MoatProcess.exec(List.of(command), Map.of(), dir, 300);
    if (r.exitCode() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.all());
    }
    return r.stdout();
  }

  /** The descriptor of the image at {@code oci:layout:tag}. */
  public static Descriptor descriptor(Path layout, String tag) throws Exception {
    return OciLayout.open(layout).fetchManifest(tag).descriptor();
  }
}
