package dev.moat.image;

import dev.moat.Failure;
import dev.moat.HttpClients;
import dev.moat.MoatException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opens image locations as {@link ImageRepository}s. One instance shares one HTTP client and one transport
 * (and so one token cache) per registry host; close it when done.
 */
public final class ImageStores implements AutoCloseable {

  private final RegistryOptions options;
  private final ExecutorService httpExecutor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "moat-http");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, RegistryTransport> transports = new ConcurrentHashMap<>();
  private HttpClient client;

  public ImageStores(RegistryOptions options) {
    this.options = options;
  }

  public RegistryOptions options() {
    return options;
  }

  private synchronized HttpClient client() throws MoatException {
    if (client == null) {
      client = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(15))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .sslContext(TrustStores.sslContext(options.caCertificates()))
          .executor(httpExecutor)
          .build();
    }
    return client;
  }

  /** A repository in a registry. */
  public RegistryRepository registry(ImageReference reference) throws MoatException {
    HttpClient http = client();
    RegistryTransport transport = transports.computeIfAbsent(reference.apiHost(), host -> new RegistryTransport(host, options, http));
    return new RegistryRepository(transport, reference);
  }

  /** Opens a location to read from. */
  public Source openSource(ImageLocation location) throws MoatException {
    if (location instanceof ImageLocation.Registry r) {
      return new Source(registry(r.reference()), r.reference().manifestReference());
    }
    if (location instanceof ImageLocation.Layout l) {
      OciLayout layout = OciLayout.open(l.directory());
      return new Source(layout, l.tag() != null ? l.tag() : onlyTag(layout, l));
    }
    ImageLocation.Archive a = (ImageLocation.Archive) location;
    DockerArchive archive = DockerArchive.open(a.file(), a.name());
    List<String> tags = archive.listTags();
    return new Source(archive, tags.isEmpty() ? "latest" : tags.get(0));
  }

  /** Opens a location to write to, with the tag the image is stored under (null: by digest only). */
  public Destination openDestination(ImageLocation location) throws MoatException {
    if (location instanceof ImageLocation.Registry r) {
      ImageReference ref = r.reference();
      return new Destination(registry(ref), ref.tag());
    }
    if (location instanceof ImageLocation.Layout l) {
      return new Destination(OciLayout.openOrCreate(l.directory()), l.tag() == null ? "latest" : l.tag());
    }
    ImageLocation.Archive a = (ImageLocation.Archive) location;
    return new Destination(DockerArchive.create(a.file(), a.name()), a.name() == null ? "latest" : a.name().tag());
  }

  private static String onlyTag(OciLayout layout, ImageLocation.Layout location) throws MoatException {
    List<String> tags = layout.listTags().stream().filter(t -> !t.startsWith("sha256-")).toList();
    if (tags.size() == 1) {
      return tags.get(0);
    }
    if (tags.isEmpty()) {
      throw new MoatException(Failure.NOT_FOUND, location + " holds no tagged image", "give the tag: oci:DIR:TAG");
    }
    throw new MoatException(Failure.INVALID_INPUT, location + " holds several images (" + String.join(", ", tags) + ")", "name one: oci:DIR:TAG");
  }

  /** A repository and the reference (tag or digest) of the image in it. */
  public record Source(ImageRepository repository, String reference) {}

  /** A repository and the tag to store under (null: by digest only). */
  public record Destination(ImageRepository repository, String tag) {}

  @Override
  public void close() {
    HttpClient http;
    synchronized (this) {
      http = client;
      client = null;
    }
    HttpClients.shutdownNow(http);
    httpExecutor.shutdownNow();
  }
}
