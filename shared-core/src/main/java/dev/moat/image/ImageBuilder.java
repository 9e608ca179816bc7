package dev.moat.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small single-platform images from files held in memory, with reproducible bytes (fixed times,
 * sorted entries, owner root). For the demo and for tests; real images come from real build tools.
 */
public final class ImageBuilder {

  /** A file in a layer: its path inside the image, its content and its mode. */
  public record File(String path, byte[] content, int mode) {}

  private final List<List<File>> layers = new ArrayList<>();
  private final Map<String, String> labels = new TreeMap<>();
  private String architecture = "amd64";
  private String os = "linux";
  private List<String> entrypoint = List.of();

  public ImageBuilder layer(List<File> files) {
    layers.add(List.copyOf(files));
    return this;
  }

  public ImageBuilder label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public ImageBuilder platform(String newOs, String newArchitecture) {
    this.os = newOs;
    this.architecture = newArchitecture;
    return this;
  }

  public ImageBuilder entrypoint(List<String> command) {
    this.entrypoint = List.copyOf(command);
    return this;
  }

  /** Writes the blobs and the manifest into {@code repository}, tagged {@code tag}; returns the manifest. */
  public Manifest writeTo(ImageRepository repository, String tag) throws MoatException {
    List<Descriptor> layerDescriptors = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (List<File> files : layers) {
      byte[][] tarAndGzip = tarAndGzip(files);
      diffIds.add(Digest.of(tarAndGzip[0]).toString());
      byte[] gz = tarAndGzip[1];
      Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, gz);
      repository.pushBlob(blob, () -> new ByteArrayInputStream(gz));
      layerDescriptors.add(blob);
    }
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.put("architecture", architecture);
    config.put("os", os);
    config.put("created", "1970-01-01T00:00:00Z");
    ObjectNode runtime = config.putObject("config");
    if (!entrypoint.isEmpty()) {
      entrypoint.forEach(runtime.putArray("Entrypoint")::add);
    }
    if (!labels.isEmpty()) {
      ObjectNode l = runtime.putObject("Labels");
      labels.forEach(l::put);
    }
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    diffIds.forEach(rootfs.putArray("diff_ids")::add);
    byte[] configBytes = Json.bytes(config);
    Descriptor configBlob = Descriptor.of(MediaTypes.OCI_CONFIG, configBytes);
    repository.pushBlob(configBlob, () -> new ByteArrayInputStream(configBytes));

    Manifest built = Manifest.ofImage(configBlob, layerDescriptors, null, null, Map.of());
    repository.pushManifest(built, tag);
    return built;
  }

  /** The uncompressed tar and its gzip. */
  private static byte[][] tarAndGzip(List<File> files) throws MoatException {
    try {
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        TreeMap<String, File> sorted = new TreeMap<>();
        files.forEach(f -> sorted.put(f.path().replaceFirst("^/", ""), f));
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        for (String path : sorted.keySet()) {
          int slash = path.indexOf('/');
          while (slash > 0) {
            dirs.add(path.substring(0, slash + 1));
            slash = path.indexOf('/', slash + 1);
          }
        }
        for (String dir : dirs) {
          TarArchiveEntry entry = new TarArchiveEntry(dir);
          entry.setMode(040755);
          entry.setModTime(0);
          out.putArchiveEntry(entry);
          out.closeArchiveEntry();
        }
        for (Map.Entry<String, File> e : sorted.entrySet()) {
          TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
          entry.setSize(e.getValue().content().length);
          entry.setMode(0100000 | e.getValue().mode());
          entry.setModTime(0);
          out.putArchiveEntry(entry);
          out.write(e.getValue().content());
          out.closeArchiveEntry();
        }
      }
      byte[] tarBytes = tar.toByteArray();
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(tarBytes);
      }
      return new byte[][] {tarBytes, gz.toByteArray()};
    } catch (IOException e) {
      throw new MoatException(Failure.INTERNAL, "cannot build a layer: " + e.getMessage(), "", e);
    }
  }
}
