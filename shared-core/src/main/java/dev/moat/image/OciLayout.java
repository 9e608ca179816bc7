package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}), as umoci,
 * skopeo and jib write it. Tags are the {@code org.opencontainers.image.ref.name} annotations of {@code
 * index.json}. Every write goes to a temporary file first and is renamed into place, so a failure never
 * leaves a half-written blob or index; {@code index.json} updates hold a file lock.
 */
public final class OciLayout implements ImageRepository {

  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private final Path root;
  private final String identity;

  private OciLayout(Path root, String identity) {
    this.root = root;
    this.identity = identity;
  }

  /** Opens an existing layout. */
  public static OciLayout open(Path root) throws MoatException {
    if (!Files.isRegularFile(root.resolve("oci-layout")) || !Files.isRegularFile(root.resolve("index.json"))) {
      throw new MoatException(
          Failure.NOT_FOUND, root + " is not an OCI image layout (no oci-layout and index.json)", "give the directory skopeo, umoci or moat wrote");
    }
    return new OciLayout(root, "oci:" + root.toAbsolutePath().normalize());
  }

  /** Opens a layout, creating an empty one when the directory does not exist or is empty. */
  public static OciLayout openOrCreate(Path root) throws MoatException {
    try {
      if (Files.isDirectory(root) && Files.isRegularFile(root.resolve("oci-layout"))) {
        return open(root);
      }
      if (Files.exists(root) && !(Files.isDirectory(root) && isEmpty(root))) {
        throw new MoatException(Failure.INVALID_INPUT, root + " exists and is not an OCI image layout", "give a new or empty directory, or an existing layout");
      }
      Files.createDirectories(root.resolve("blobs").resolve("sha256"));
      writeAtomically(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      writeAtomically(root.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return open(root);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot create OCI layout " + root + ": " + e.getMessage(), "check the path and its permissions");
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  public Path root() {
    return root;
  }

  @Override
  public String describe() {
    return "oci:" + root;
  }

  @Override
  public String identity() {
    return identity;
  }

  private Path blobPath(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private JsonNode index() throws MoatException {
    try {
      return Json.tree(Files.readAllBytes(root.resolve("index.json")), describe() + "/index.json");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + root.resolve("index.json") + ": " + e.getMessage(), "");
    }
  }

  /** The tagged entries of index.json. */
  public List<Descriptor> indexEntries() throws MoatException {
    return ReferrersIndex.entries(index());
  }

  @Override
  public Optional<Manifest> findManifest(String reference) throws MoatException {
    Descriptor entry;
    if (Digest.isDigest(reference)) {
      Digest digest = Digest.parse(reference);
      if (!Files.isRegularFile(blobPath(digest))) {
        return Optional.empty();
      }
      entry = new Descriptor(null, digest, -1);
    } else {
      List<Descriptor> tagged = indexEntries().stream().filter(d -> reference.equals(d.annotationsOrEmpty().get(REF_NAME))).toList();
      if (tagged.isEmpty()) {
        return Optional.empty();
      }
      entry = tagged.get(tagged.size() - 1);
    }
    byte[] bytes = readBlobBytes(entry.digest());
    Manifest manifest = Json.manifest(bytes, entry.mediaType(), describe() + "@" + entry.digest());
    if (!manifest.digest().equals(entry.digest())) {
      throw new MoatException(Failure.PROTOCOL, describe() + ": blob " + entry.digest() + " is corrupt (its content has digest " + manifest.digest() + ")", "the layout is damaged");
    }
    return Optional.of(manifest);
  }

  @Override
  public Manifest fetchManifest(String reference) throws MoatException {
    return findManifest(reference).orElseThrow(() -> new MoatException(
        Failure.NOT_FOUND, describe() + " has no image " + reference, "list the tags with: moat tags " + describe()));
  }

  private byte[] readBlobBytes(Digest digest) throws MoatException {
    try {
      long size = Files.size(blobPath(digest));
      if (size > Manifest.MAX_BYTES) {
        throw new MoatException(Failure.PROTOCOL, describe() + "@" + digest + " is a manifest of " + size + " bytes, over the 4 MiB limit", "Moat refuses manifests over 4 MiB");
      }
      return Files.readAllBytes(blobPath(digest));
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + blobPath(digest) + ": " + e.getMessage(), "");
    }
  }

  @Override
  public boolean pushManifest(Manifest manifest, String tag) throws MoatException {
    pushBlob(manifest.descriptor(), () -> new java.io.ByteArrayInputStream(manifest.bytes()));
    if (tag != null) {
      updateIndex(entries -> {
        for (int i = entries.size() - 1; i >= 0; i--) {
          if (tag.equals(entries.get(i).path("annotations").path(REF_NAME).asText(null))) {
            entries.remove(i);
          }
        }
        ObjectNode entry = entries.addObject();
        entry.put("mediaType", manifest.mediaType());
        entry.put("digest", manifest.digest().toString());
        entry.put("size", manifest.bytes().length);
        String artifactType = manifest.json().path("artifactType").asText("");
        if (!artifactType.isEmpty()) {
          entry.put("artifactType", artifactType);
        }
        entry.putObject("annotations").put(REF_NAME, tag);
      });
    }
    return false;
  }

  private interface IndexEdit {
    void apply(ArrayNode manifests);
  }

  private synchronized void updateIndex(IndexEdit edit) throws MoatException {
    Path lockFile = root.resolve(".moat-index.lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      ObjectNode index = (ObjectNode) index();
      JsonNode existing = index.get("manifests");
      ArrayNode manifests = existing instanceof ArrayNode array ? array : index.putArray("manifests");
      edit.apply(manifests);
      index.set("manifests", manifests);
      writeAtomically(root.resolve("index.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot update " + root.resolve("index.json") + ": " + e.getMessage(), "check permissions and free space");
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".moat-", ".tmp");
    try {
      Files.write(temp, bytes);
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public boolean hasBlob(Descriptor blob) {
    try {
      return Files.size(blobPath(blob.digest())) == blob.size();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws MoatException {
    try {
      return Files.newInputStream(blobPath(blob.digest()));
    } catch (NoSuchFileException e) {
      throw new MoatException(Failure.NOT_FOUND, describe() + " has no blob " + blob.digest(), "the layout is incomplete");
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + blobPath(blob.digest()) + ": " + e.getMessage(), "");
    }
  }

  @Override
  public void pushBlob(Descriptor blob, BlobSource source) throws MoatException {
    if (hasBlob(blob)) {
      return;
    }
    Path target = blobPath(blob.digest());
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), ".moat-", ".tmp");
      MessageDigest sha256 = Digest.newSha256();
      long size;
      try (InputStream in = source.open(); OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
        size = in.transferTo(out);
      }
      Digest actual = Digest.ofHash(sha256.digest());
      if (!actual.equals(blob.digest()) || size != blob.size()) {
        throw new MoatException(Failure.PROTOCOL,
            "blob " + blob.digest() + " arrived with digest " + actual + " and " + size + " bytes (expected " + blob.size() + ")",
            "the source is corrupt or changed during the copy; nothing was written");
      }
      move(temp, target);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write blob " + blob.digest() + " to " + describe() + ": " + e.getMessage(), "check free space and permissions", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  @Override
  public List<String> listTags() throws MoatException {
    List<String> tags = new ArrayList<>();
    for (Descriptor d : indexEntries()) {
      String name = d.annotationsOrEmpty().get(REF_NAME);
      if (name != null && !tags.contains(name)) {
        tags.add(name);
      }
    }
    return tags;
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws MoatException {
    return ReferrersIndex.fromFallbackTag(this, subject, artifactType);
  }
}
