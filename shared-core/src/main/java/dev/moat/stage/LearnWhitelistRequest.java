package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import dev.moat.image.ImageReference;
import dev.moat.signing.SignatureLayout;
import dev.moat.whitelist.ExportFormat;
import dev.moat.whitelist.ExportOptions;
import dev.moat.whitelist.LearnOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Learn an image's executables into a whitelist; optionally export it to enforcers' policies and attach it
 * to the image as a signed attestation.
 *
 * @param image the image: a registry reference, oci:DIR[:TAG], docker-archive:FILE
 * @param output where the whitelist JSON goes
 * @param platform {@code os/arch[/variant]} of an index, or {@code all}
 * @param maxLayerBytes cap on any one layer's uncompressed bytes
 * @param formats the enforcers to export to; empty: none
 * @param exportDir where the policies go (required when {@code formats} is not empty)
 * @param export selector, namespace and name of the policies
 * @param attach whether to attach the whitelist to the image, signed with {@code key}
 * @param key the signing key for {@code attach}: a file, env://VAR or a pkcs11: URI; null without attach
 * @param layouts which of cosign's layouts the attestation is written in
 */
public record LearnWhitelistRequest(
    ImageLocation image,
    Path output,
    String platform,
    long maxLayerBytes,
    Set<ExportFormat> formats,
    Path exportDir,
    ExportOptions export,
    boolean attach,
    String key,
    Set<SignatureLayout> layouts,
    RegistrySettings registry,
    String repository) {

  public LearnWhitelistRequest {
    formats = formats.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(formats));
    layouts = Set.copyOf(layouts);
  }

  /**
   * Parameters: image, output (default whitelist.json), platform, max-layer-size, formats (comma or newline
   * separated, or {@code all}), export-dir (default: the output's directory), selector (key=value items),
   * namespace, policy-name, root-prefix, attach, key, signature-layout, repository, insecure-registries, registry-ca.
   */
  public static LearnWhitelistRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    Path output = Path.of(p.optional("output", "whitelist.json"));
    String exportDir = p.optional("export-dir", null);
    return new LearnWhitelistRequest(
        ImageLocation.parse(p.required("image")),
        output,
        p.optional("platform", LearnOptions.DEFAULT_PLATFORM),
        p.bytes("max-layer-size", LearnOptions.DEFAULT_MAX_LAYER_BYTES),
        formats(p.list("formats")),
        exportDir == null ? defaultExportDir(output) : Path.of(exportDir),
        ExportOptions.checked(p.map("selector"), p.optional("namespace", null), p.optional("policy-name", null))
            .withRootPrefix(p.optional("root-prefix", null)),
        p.flag("attach"),
        p.optional("key", null),
        SignatureLayout.parse(p.optional("signature-layout", "both")),
        RegistrySettings.from(p),
        repository(p.optional("repository", null)));
  }

  /** {@code kubearmor}, {@code tetragon}, {@code falco}, {@code fapolicyd}, or {@code all}. */
  public static Set<ExportFormat> formats(List<String> names) throws MoatException {
    Set<ExportFormat> formats = EnumSet.noneOf(ExportFormat.class);
    for (String name : names) {
      if (name.trim().equalsIgnoreCase("all")) {
        formats.addAll(EnumSet.allOf(ExportFormat.class));
      } else {
        formats.add(ExportFormat.parse(name));
      }
    }
    return formats;
  }

  /** Policies go next to the whitelist unless told otherwise. */
  public static Path defaultExportDir(Path output) {
    return output.getParent() == null ? Path.of(".") : output.getParent();
  }

  /** The same request with other registry settings (a wrapper adding the credentials it holds). */
  public LearnWhitelistRequest withRegistry(RegistrySettings newRegistry) {
    return new LearnWhitelistRequest(image, output, platform, maxLayerBytes, formats, exportDir, export, attach, key, layouts, newRegistry, repository);
  }

  /** The same request writing to other places (a wrapper writing to a temporary directory, then publishing). */
  public LearnWhitelistRequest withOutput(Path newOutput, Path newExportDir) {
    return new LearnWhitelistRequest(image, newOutput, platform, maxLayerBytes, formats, newExportDir, export, attach, key, layouts, registry, repository);
  }

  /**
   * The repository the image will run from, normalised as runtimes report it ({@code team/app} →
   * {@code docker.io/team/app}); null when not given. It replaces the learned location in the whitelist, for an
   * image learned from an {@code oci:} layout or archive before it is pushed.
   */
  public static String repository(String value) throws MoatException {
    if (value == null || value.isBlank()) {
      return null;
    }
    ImageReference reference = ImageReference.parse(value.trim());
    if (reference.tag() != null && value.trim().endsWith(":" + reference.tag()) || reference.digest() != null) {
      throw new MoatException(Failure.INVALID_INPUT, "repository '" + value + "' has a tag or digest",
          "give the repository alone, like registry.example.com/team/app: the whitelist is bound to the digest learned");
    }
    return reference.repositoryName();
  }

  /** The checks that span fields; the stage runs them before touching the image. */
  void check() throws MoatException {
    if (attach && (key == null || key.isBlank())) {
      throw new MoatException(Failure.INVALID_INPUT, "attaching the whitelist needs a signing key", "give --key (the key parameter) with --attach");
    }
    if (!attach && key != null && !key.isBlank()) {
      throw new MoatException(Failure.INVALID_INPUT, "a key was given without attach", "add --attach (attach: true) to sign and attach the whitelist, or drop the key");
    }
    if (!LearnOptions.ALL_PLATFORMS.equals(platform) && !platform.matches("[a-z0-9._-]+/[a-z0-9._-]+(/[a-z0-9._-]+)?")) {
      throw new MoatException(Failure.INVALID_INPUT, "platform '" + platform + "' is not os/arch[/variant] or all",
          "write it like linux/amd64 or linux/arm64/v8, or all");
    }
  }
}
