package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A {@code docker save} / {@code skopeo copy … docker-archive:} tarball, as a source and as a destination.
 *
 * <p><b>Reading</b> ({@link #open}). One pass over the tar headers (commons-compress {@link TarFile}, which
 * seeks past the data) records where each entry's data lies in the file; {@code manifest.json} then names
 * the images. The one chosen (by name, or the only one) is presented as a Docker schema-2 manifest
 * synthesized from its config and layer files: digests are those of the files as stored, a layer's media
 * type follows its first bytes (gzip, zstd or plain tar). A zstd layer makes the manifest an OCI manifest,
 * since Docker's schema 2 has no zstd media type. Manifest bytes are built in a fixed order, so the same
 * archive always has the same manifest digest. Layers are hashed by streaming them once per instance;
 * {@link #openBlob} streams straight from the archive file at the entry's offset. The image answers to the
 * tags of its {@code RepoTags}, to {@code latest} when it was opened without a name, and to the manifest's
 * digest. Archives carry no referrers.
 *
 * <p><b>Writing</b> ({@link #create}). A copier pushes every blob (concurrently, in any order); each is
 * streamed into a temporary directory beside the target and verified. {@link #pushManifest} then writes
 * {@code manifest.json}, the config as {@code <hex>.json} and each layer as {@code <hex>.tar} (stored as
 * pushed; docker load and skopeo accept compressed layer files) into a temporary file beside the target,
 * forces it to disk and renames it into place; a failure never leaves a target file. {@link #close} removes
 * whatever temporary files remain.
 *
 * <p>A docker archive holds one image manifest and nothing else. {@link #pushManifest} refuses an index
 * (pick one platform), and refuses as a signature anything that is not that image: a manifest with a
 * {@code subject}, a manifest under a cosign tag ({@code sha256-<hex>}, {@code .sig}, {@code .att}, {@code
 * .sbom}), or one whose config is not an image config (an artifact). Pushing the written image again is a
 * no-op; a second, different image is refused.
 */
public final class DockerArchive implements ImageRepository {

  private static final String MANIFEST_JSON = "manifest.json";
  private static final int MAX_MANIFEST_JSON = 16 * 1024 * 1024;
  private static final int MAX_LINK_HOPS = 16;
  private static final Pattern COSIGN_TAG = Pattern.compile("sha256-[a-f0-9]{64}(\\.(sig|att|sbom))?");
  private static final String ZSTD_LAYER = "application/vnd.oci.image.layer.v1.tar+zstd";
  private static final Set<String> IMAGE_CONFIGS = Set.of(MediaTypes.DOCKER_CONFIG, MediaTypes.OCI_CONFIG);

  private final Path file;
  private final ImageReference name;
  private final String identity;
  private final Contents contents;
  private final Destination destination;

  private DockerArchive(Path file, ImageReference name, String identity, Contents contents, Destination destination) {
    this.file = file;
    this.name = name;
    this.identity = identity;
    this.contents = contents;
    this.destination = destination;
  }

  /**
   * Opens an archive to read the image named {@code nameOrNull}, or its only image when null.
   *
   * @throws MoatException NOT_FOUND when the file or the named image is missing, PROTOCOL when the file is
   *     not a docker archive, INVALID_INPUT when it holds several images and no name was given
   */
  public static DockerArchive open(Path file, ImageReference nameOrNull) throws MoatException {
    Map<String, Entry> entries = index(file);
    Entry manifestEntry = entries.get(MANIFEST_JSON);
    if (manifestEntry == null) {
      throw new MoatException(Failure.PROTOCOL, file + " is not a docker archive: it has no manifest.json", "give a file docker save or skopeo wrote");
    }
    List<Image> images = parseImages(file, manifestEntry);
    Image image = choose(file, images, nameOrNull);
    for (String member : image.members()) {
      if (!entries.containsKey(member)) {
        throw new MoatException(Failure.PROTOCOL, file + ": manifest.json names " + member + ", which is not in the archive", "the archive is incomplete or damaged");
      }
    }
    String identity;
    if (nameOrNull != null) {
      identity = nameOrNull.repositoryName();
    } else if (!image.repoTags().isEmpty()) {
      identity = image.repoTags().get(0).repositoryName();
    } else {
      identity = "docker-archive:" + file.toAbsolutePath().normalize();
    }
    return new DockerArchive(file, nameOrNull, identity, new Contents(entries, image, nameOrNull == null), null);
  }

  /**
   * Prepares a new archive at {@code file}, written when the image manifest is pushed. {@code nameOrNull}
   * gives the {@code RepoTags} entry; without it the image is stored untagged.
   *
   * @throws MoatException INVALID_INPUT when {@code file} exists and is not empty
   */
  public static DockerArchive create(Path file, ImageReference nameOrNull) throws MoatException {
    try {
      if (Files.isDirectory(file) || (Files.exists(file) && Files.size(file) > 0)) {
        throw new MoatException(Failure.INVALID_INPUT, file + " already exists", "give a new file name, or remove the old archive first");
      }
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, "." + file.getFileName() + ".moat-");
      String identity = nameOrNull != null ? nameOrNull.repositoryName() : "docker-archive:" + file.toAbsolutePath().normalize();
      return new DockerArchive(file, nameOrNull, identity, null, new Destination(staging));
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot create " + file + ": " + e.getMessage(), "check the path and its permissions", e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public String describe() {
    return "docker-archive:" + file;
  }

  @Override
  public String identity() {
    return identity;
  }

  // ---------------------------------------------------------------------------------------------- reading

  /** Where an entry's data lies in the archive file. */
  private record Entry(String name, long offset, long size) {}

  /** One element of manifest.json, names normalised to archive paths. */
  private record Image(String config, List<String> layers, List<ImageReference> repoTags, List<String> rawRepoTags) {
    Set<String> members() {
      Set<String> members = new LinkedHashSet<>();
      members.add(config);
      members.addAll(layers);
      return members;
    }
  }

  /** A blob of the chosen image: the archive entry holding it and its media type. */
  private record Blob(Entry entry, Descriptor descriptor) {}

  /** The indexed archive and the chosen image; the manifest is synthesized on first use. */
  private static final class Contents {
    final Map<String, Entry> entries;
    final Image image;
    final boolean unnamed;
    Manifest manifest;
    Map<Digest, Blob> blobs;

    Contents(Map<String, Entry> entries, Image image, boolean unnamed) {
      this.entries = entries;
      this.image = image;
      this.unnamed = unnamed;
    }
  }

  private static Map<String, Entry> index(Path file) throws MoatException {
    if (!Files.exists(file)) {
      throw new MoatException(Failure.NOT_FOUND, file + " does not exist", "give the path of a docker save or skopeo docker-archive tarball");
    }
    if (Files.isDirectory(file)) {
      throw new MoatException(Failure.INVALID_INPUT, file + " is a directory, not a docker archive", "for an OCI layout write oci:" + file);
    }
    List<TarArchiveEntry> tarEntries;
    long fileSize;
    try (TarFile tar = new TarFile(file)) {
      tarEntries = tar.getEntries();
      fileSize = Files.size(file);
    } catch (IOException | RuntimeException e) {
      String reason = String.valueOf(e.getMessage());
      if (reason.toLowerCase(java.util.Locale.ROOT).contains("truncated")) {
        throw new MoatException(Failure.PROTOCOL, file + " is a truncated tar archive", "the file was cut short; copy or save it again");
      }
      throw new MoatException(Failure.PROTOCOL, file + " is not a tar archive (" + reason + ")", "give a file docker save or skopeo wrote");
    }
    if (tarEntries.isEmpty()) {
      throw new MoatException(Failure.PROTOCOL, file + " is not a tar archive (it holds no entries)", "give a file docker save or skopeo wrote");
    }
    Map<String, TarArchiveEntry> byName = new HashMap<>();
    for (TarArchiveEntry e : tarEntries) {
      byName.put(normalise(e.getName()), e);
    }
    Map<String, Entry> entries = new HashMap<>();
    for (Map.Entry<String, TarArchiveEntry> named : byName.entrySet()) {
      TarArchiveEntry target = resolveLinks(named.getKey(), named.getValue(), byName);
      if (target == null || target.isDirectory() || !target.isFile() || target.isSparse()) {
        continue;
      }
      if (target.getDataOffset() + target.getSize() > fileSize) {
        throw new MoatException(Failure.PROTOCOL, file + " is a truncated tar archive (" + target.getName() + " runs past its end)", "the file was cut short; copy or save it again");
      }
      entries.put(named.getKey(), new Entry(named.getKey(), target.getDataOffset(), target.getSize()));
    }
    return entries;
  }

  /** Follows symbolic links (relative to the link's directory) and hard links (relative to the root). */
  private static TarArchiveEntry resolveLinks(String name, TarArchiveEntry entry, Map<String, TarArchiveEntry> byName) {
    String current = name;
    TarArchiveEntry e = entry;
    for (int hop = 0; e != null && hop < MAX_LINK_HOPS; hop++) {
      if (e.isSymbolicLink()) {
        String link = e.getLinkName();
        int slash = current.lastIndexOf('/');
        current = normalise(link.startsWith("/") || slash < 0 ? link : current.substring(0, slash + 1) + link);
      } else if (e.isLink()) {
        current = normalise(e.getLinkName());
      } else {
        return e;
      }
      e = current == null ? null : byName.get(current);
    }
    return null;
  }

  /** An archive path without {@code ./}, leading slashes or {@code ..}; null when it climbs out of the root. */
  private static String normalise(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }

  private static List<Image> parseImages(Path file, Entry manifestEntry) throws MoatException {
    if (manifestEntry.size() > MAX_MANIFEST_JSON) {
      throw new MoatException(Failure.PROTOCOL, file + ": manifest.json is " + manifestEntry.size() + " bytes, over the 16 MiB limit", "");
    }
    JsonNode root;
    try (InputStream in = new EntryInputStream(file, manifestEntry)) {
      root = Json.MAPPER.readTree(in.readAllBytes());
    } catch (IOException e) {
      throw new MoatException(Failure.PROTOCOL, file + ": manifest.json is not valid JSON", "the archive is damaged");
    }
    String notDockerSave = file + ": manifest.json is not in the docker save format";
    String hint = "expected [{\"Config\": …, \"RepoTags\": […], \"Layers\": […]}]";
    if (root == null || !root.isArray() || root.isEmpty()) {
      throw new MoatException(Failure.PROTOCOL, notDockerSave, hint);
    }
    List<Image> images = new ArrayList<>();
    for (JsonNode node : root) {
      JsonNode config = node.path("Config");
      JsonNode layers = node.path("Layers");
      if (!config.isTextual() || !layers.isArray()) {
        throw new MoatException(Failure.PROTOCOL, notDockerSave, hint);
      }
      List<String> layerNames = new ArrayList<>();
      for (JsonNode layer : layers) {
        if (!layer.isTextual()) {
          throw new MoatException(Failure.PROTOCOL, notDockerSave, hint);
        }
        layerNames.add(member(file, layer.asText()));
      }
      List<ImageReference> repoTags = new ArrayList<>();
      List<String> raw = new ArrayList<>();
      for (JsonNode tag : node.path("RepoTags")) {
        raw.add(tag.asText());
        try {
          repoTags.add(ImageReference.parse(tag.asText()));
        } catch (MoatException e) {
          // a tag Moat cannot parse cannot be selected; it still shows in messages
        }
      }
      images.add(new Image(member(file, config.asText()), List.copyOf(layerNames), List.copyOf(repoTags), List.copyOf(raw)));
    }
    return images;
  }

  private static String member(Path file, String name) throws MoatException {
    String normalised = normalise(name);
    if (normalised == null || normalised.isEmpty()) {
      throw new MoatException(Failure.PROTOCOL, file + ": manifest.json names '" + name + "', which is not a path inside the archive", "the archive is damaged");
    }
    return normalised;
  }

  private static Image choose(Path file, List<Image> images, ImageReference name) throws MoatException {
    if (name == null) {
      if (images.size() == 1) {
        return images.get(0);
      }
      throw new MoatException(
          Failure.INVALID_INPUT,
          file + " holds " + images.size() + " images: " + allTags(images),
          "name one: docker-archive:" + file + ":NAME:TAG");
    }
    for (Image image : images) {
      for (ImageReference tag : image.repoTags()) {
        if (tag.repositoryName().equals(name.repositoryName()) && tag.tag().equals(name.tag())) {
          return image;
        }
      }
    }
    throw new MoatException(Failure.NOT_FOUND, file + " has no image " + name + "; it holds " + allTags(images), "name one of those");
  }

  private static String allTags(List<Image> images) {
    List<String> tags = new ArrayList<>();
    for (Image image : images) {
      tags.add(image.rawRepoTags().isEmpty() ? "(untagged " + image.config() + ")" : String.join(", ", image.rawRepoTags()));
    }
    return String.join("; ", tags);
  }

  /** The synthesized manifest, hashing the config and layer files on first use. */
  private synchronized Contents hashed() throws MoatException {
    Contents c = readable();
    if (c.manifest != null) {
      return c;
    }
    Map<String, Blob> byMember = new HashMap<>();
    Map<Digest, Blob> blobs = new LinkedHashMap<>();
    boolean zstd = false;
    for (String member : c.image.members()) {
      Blob blob = hash(c.entries.get(member), member.equals(c.image.config()));
      zstd |= ZSTD_LAYER.equals(blob.descriptor().mediaType());
      byMember.put(member, blob);
      blobs.putIfAbsent(blob.descriptor().digest(), blob);
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("schemaVersion", 2);
    json.put("mediaType", zstd ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST);
    Descriptor config = byMember.get(c.image.config()).descriptor();
    putDescriptor(json.putObject("config"), zstd ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG, config);
    ArrayNode layers = json.putArray("layers");
    for (String layer : c.image.layers()) {
      Descriptor d = byMember.get(layer).descriptor();
      putDescriptor(layers.addObject(), zstd ? ociLayerType(d.mediaType()) : d.mediaType(), d);
    }
    byte[] bytes = Json.bytes(json);
    c.manifest = Json.manifest(bytes, json.get("mediaType").asText(), describe());
    c.blobs = blobs;
    return c;
  }

  private static void putDescriptor(ObjectNode node, String mediaType, Descriptor d) {
    node.put("mediaType", mediaType);
    node.put("size", d.size());
    node.put("digest", d.digest().toString());
  }

  private static String ociLayerType(String dockerType) {
    return switch (dockerType) {
      case MediaTypes.DOCKER_LAYER_GZIP -> MediaTypes.OCI_LAYER_GZIP;
      case MediaTypes.DOCKER_LAYER -> MediaTypes.OCI_LAYER;
      default -> dockerType;
    };
  }

  private Blob hash(Entry entry, boolean config) throws MoatException {
    MessageDigest sha256 = Digest.newSha256();
    byte[] head = new byte[4];
    int headLength = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = new EntryInputStream(file, entry)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        sha256.update(buffer, 0, n);
        for (int i = 0; i < n && headLength < head.length; i++) {
          head[headLength++] = buffer[i];
        }
      }
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + entry.name() + " in " + file + ": " + e.getMessage(), "", e);
    }
    String mediaType;
    if (config) {
      mediaType = MediaTypes.DOCKER_CONFIG;
    } else if (headLength >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      mediaType = MediaTypes.DOCKER_LAYER_GZIP;
    } else if (headLength == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      mediaType = ZSTD_LAYER;
    } else {
      mediaType = MediaTypes.DOCKER_LAYER;
    }
    return new Blob(entry, new Descriptor(mediaType, Digest.ofHash(sha256.digest()), entry.size()));
  }

  private Contents readable() throws MoatException {
    if (contents == null) {
      throw new MoatException(Failure.INTERNAL, describe() + " was created for writing; open it with DockerArchive.open to read it", "");
    }
    return contents;
  }

  /** The manifest synthesized for the chosen image. */
  public Manifest manifest() throws MoatException {
    return hashed().manifest;
  }

  @Override
  public Optional<Manifest> findManifest(String reference) throws MoatException {
    if (destination != null) {
      return destination.find(reference);
    }
    if (Digest.isDigest(reference)) {
      Manifest manifest = manifest();
      return manifest.digest().toString().equals(reference) ? Optional.of(manifest) : Optional.empty();
    }
    if (listTags().contains(reference) || (readable().unnamed && "latest".equals(reference))) {
      return Optional.of(manifest());
    }
    return Optional.empty();
  }

  @Override
  public Manifest fetchManifest(String reference) throws MoatException {
    return findManifest(reference).orElseThrow(() -> new MoatException(
        Failure.NOT_FOUND, describe() + " has no image " + reference, "list the tags with: moat tags " + describe()));
  }

  @Override
  public List<String> listTags() throws MoatException {
    if (destination != null) {
      return destination.tags();
    }
    Contents c = readable();
    List<String> tags = new ArrayList<>();
    for (ImageReference tag : c.image.repoTags()) {
      if ((name == null || tag.repositoryName().equals(name.repositoryName())) && !tags.contains(tag.tag())) {
        tags.add(tag.tag());
      }
    }
    return tags;
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws MoatException {
    if (destination != null) {
      return destination.has(blob);
    }
    Contents c = hashed();
    if (blob.digest().equals(c.manifest.digest())) {
      return true;
    }
    Blob found = c.blobs.get(blob.digest());
    return found != null && (blob.size() < 0 || found.entry().size() == blob.size());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws MoatException {
    if (destination != null) {
      return destination.open(blob, describe());
    }
    Contents c = hashed();
    if (blob.digest().equals(c.manifest.digest())) {
      return new ByteArrayInputStream(c.manifest.bytes());
    }
    Blob found = c.blobs.get(blob.digest());
    if (found == null) {
      throw new MoatException(Failure.NOT_FOUND, describe() + " has no blob " + blob.digest(), "the image in the archive does not reference it");
    }
    try {
      return new EntryInputStream(file, found.entry());
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + file + ": " + e.getMessage(), "", e);
    }
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) {
    return List.of();
  }

  /** Exactly the bytes of one archive entry, read from the file at the entry's offset. */
  private static final class EntryInputStream extends InputStream {
    private final FileChannel channel;
    private final String source;
    private long position;
    private long remaining;

    EntryInputStream(Path file, Entry entry) throws IOException {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      this.source = file + "!" + entry.name();
      this.position = entry.offset();
      this.remaining = entry.size();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
      if (n < 0) {
        throw new IOException(source + " ends " + remaining + " bytes early; the archive is truncated");
      }
      position += n;
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) {
      long skipped = Math.max(0, Math.min(n, remaining));
      position += skipped;
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() {
      return (int) Math.min(remaining, Integer.MAX_VALUE);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  // ---------------------------------------------------------------------------------------------- writing

  /** The state of an archive being written: the staging directory of pushed blobs, then the written image. */
  private static final class Destination {
    final Path staging;
    final Map<Digest, Long> pushed = new ConcurrentHashMap<>();
    Manifest written;
    List<String> writtenTags = List.of();

    Destination(Path staging) {
      this.staging = staging;
    }

    Path blobPath(Digest digest) {
      return staging.resolve(digest.hex());
    }

    synchronized Optional<Manifest> find(String reference) {
      if (written == null) {
        return Optional.empty();
      }
      return written.digest().toString().equals(reference) || writtenTags.contains(reference) ? Optional.of(written) : Optional.empty();
    }

    synchronized List<String> tags() {
      return writtenTags;
    }

    boolean has(Descriptor blob) {
      Long size = pushed.get(blob.digest());
      return size != null && (blob.size() < 0 || size == blob.size());
    }

    InputStream open(Descriptor blob, String where) throws MoatException {
      if (pushed.containsKey(blob.digest()) && Files.isRegularFile(blobPath(blob.digest()))) {
        try {
          return Files.newInputStream(blobPath(blob.digest()));
        } catch (IOException e) {
          throw new MoatException(Failure.UNREACHABLE, "cannot read staged blob " + blob.digest() + ": " + e.getMessage(), "", e);
        }
      }
      throw new MoatException(Failure.NOT_FOUND, where + " has no staged blob " + blob.digest(), "open the written archive with DockerArchive.open to read it");
    }
  }

  private Destination writable() throws MoatException {
    if (destination == null) {
      throw new MoatException(Failure.INVALID_INPUT, describe() + " was opened for reading", "write to a new file: DockerArchive.create");
    }
    return destination;
  }

  @Override
  public void pushBlob(Descriptor blob, BlobSource source) throws MoatException {
    Destination d = writable();
    if (d.has(blob)) {
      return;
    }
    Path temp = null;
    try {
      temp = Files.createTempFile(d.staging, "blob-", ".part");
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
      move(temp, d.blobPath(blob.digest()));
      d.pushed.put(blob.digest(), size);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot stage blob " + blob.digest() + " for " + describe() + ": " + e.getMessage(), "check free space and permissions", e);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Override
  public boolean pushManifest(Manifest manifest, String tag) throws MoatException {
    Destination d = writable();
    if (manifest.isIndex()) {
      throw new MoatException(Failure.INVALID_INPUT, "docker-archive holds one platform; pick one with --platform", "");
    }
    boolean imageConfig = manifest.config().map(c -> IMAGE_CONFIGS.contains(c.mediaType())).orElse(false);
    if (manifest.subject().isPresent() || (tag != null && COSIGN_TAG.matcher(tag).matches()) || !imageConfig) {
      throw new MoatException(Failure.INVALID_INPUT, "a docker archive cannot hold signatures; sign the image in a registry or OCI layout", "");
    }
    synchronized (d) {
      if (d.written != null) {
        if (d.written.digest().equals(manifest.digest())) {
          return false;
        }
        throw new MoatException(Failure.INVALID_INPUT,
            describe() + " already holds image " + d.written.digest() + "; a docker archive written by Moat holds one image", "write each image to its own archive");
      }
      for (Descriptor blob : manifest.blobs()) {
        if (!d.has(blob)) {
          throw new MoatException(Failure.INVALID_INPUT,
              "blob " + blob.digest() + " of manifest " + manifest.digest() + " was not pushed to " + describe(), "push every blob before the manifest");
        }
      }
      String repoTag = name == null ? null : tag != null ? tag : name.tag();
      List<String> repoTags = repoTag == null ? List.of() : List.of(name.withTag(repoTag).toString());
      writeArchive(d, manifest, repoTags);
      d.written = manifest;
      d.writtenTags = repoTag == null ? List.of() : List.of(repoTag);
      try {
        deleteTree(d.staging);
      } catch (MoatException e) {
        // the archive is in place; close() tries again
      }
      return false;
    }
  }

  private void writeArchive(Destination d, Manifest manifest, List<String> repoTags) throws MoatException {
    Descriptor config = manifest.config().orElseThrow();
    ArrayNode root = Json.MAPPER.createArrayNode();
    ObjectNode image = root.addObject();
    image.put("Config", config.digest().hex() + ".json");
    ArrayNode tags = image.putArray("RepoTags");
    repoTags.forEach(tags::add);
    ArrayNode layers = image.putArray("Layers");
    Set<Digest> layerDigests = new LinkedHashSet<>();
    for (Descriptor layer : manifest.layers()) {
      layers.add(layer.digest().hex() + ".tar");
      layerDigests.add(layer.digest());
    }
    Path parent = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      temp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        byte[] manifestJson = Json.bytes(root);
        putEntry(tar, MANIFEST_JSON, manifestJson.length, new ByteArrayInputStream(manifestJson));
        putStaged(tar, d, config.digest(), config.digest().hex() + ".json");
        for (Digest layer : layerDigests) {
          putStaged(tar, d, layer, layer.hex() + ".tar");
        }
        tar.finish();
        tar.flush();
        channel.force(true);
        tar.close();
      }
      move(temp, file);
      temp = null;
      forceDirectory(parent);
    } catch (IOException | UncheckedIOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot write " + file + ": " + e.getMessage(), "check free space and permissions; nothing was written", e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private static void putStaged(TarArchiveOutputStream tar, Destination d, Digest digest, String entryName) throws IOException {
    Path blob = d.blobPath(digest);
    try (InputStream in = Files.newInputStream(blob)) {
      putEntry(tar, entryName, Files.size(blob), in);
    }
  }

  private static void putEntry(TarArchiveOutputStream tar, String entryName, long size, InputStream content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(entryName);
    entry.setSize(size);
    entry.setMode(0100644);
    entry.setModTime(FileTime.fromMillis(0));
    tar.putArchiveEntry(entry);
    long copied = content.transferTo(tar);
    if (copied != size) {
      throw new IOException(entryName + " changed while it was written (" + copied + " bytes, expected " + size + ")");
    }
    tar.closeArchiveEntry();
  }

  /** Deletes the staged blobs when no image was written. */
  @Override
  public void close() throws MoatException {
    if (destination == null) {
      return;
    }
    try {
      deleteTree(destination.staging);
    } catch (MoatException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot remove temporary files of " + describe() + ": " + e.getMessage(), "delete " + destination.staging + " by hand", e);
    }
  }

  private static void deleteTree(Path dir) throws MoatException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (DirectoryNotEmptyException e) {
      throw new MoatException(Failure.UNREACHABLE, dir + " gained files while it was removed", "", e);
    } catch (IOException | UncheckedIOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot remove " + dir + ": " + e.getMessage(), "", e);
    }
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException ignored) {
      // not every file system lets a directory be opened; the rename is done either way
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
