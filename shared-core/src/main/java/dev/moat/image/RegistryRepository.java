package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** One repository in a registry, spoken to with the OCI distribution API. */
public final class RegistryRepository implements ImageRepository {

  private final RegistryTransport transport;
  private final ImageReference reference;
  private final String name;

  RegistryRepository(RegistryTransport transport, ImageReference reference) {
    this.transport = transport;
    this.reference = reference;
    this.name = reference.repository();
  }

  public ImageReference reference() {
    return reference;
  }

  String registryHost() {
    return transport.host();
  }

  String name() {
    return name;
  }

  @Override
  public String describe() {
    return reference.registry() + "/" + name;
  }

  @Override
  public String identity() {
    return reference.repositoryName();
  }

  private List<String> pull() {
    return List.of("repository:" + name + ":pull");
  }

  private List<String> push() {
    return List.of("repository:" + name + ":pull,push");
  }

  @Override
  public Optional<Manifest> findManifest(String ref) throws MoatException {
    HttpResponse<InputStream> response =
        transport.send(new RegistryTransport.Call("GET", "/v2/" + name + "/manifests/" + ref, pull(),
            Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS), null));
    int status = response.statusCode();
    if (status == 404) {
      RegistryTransport.discard(response);
      return Optional.empty();
    }
    if (status != 200) {
      throw unexpected("fetching manifest " + ref, response);
    }
    String source = "the manifest " + describe() + (Digest.isDigest(ref) ? "@" : ":") + ref;
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > Manifest.MAX_BYTES) {
      RegistryTransport.discard(response);
      throw new MoatException(Failure.PROTOCOL, source + " is " + declared + " bytes, over the 4 MiB limit", "Moat refuses manifests over 4 MiB, as registries do");
    }
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(Manifest.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "lost the connection to " + transport.host() + " while reading " + source, "try again");
    }
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    Manifest manifest = Json.manifest(bytes, contentType, source);
    if (Digest.isDigest(ref) && !manifest.digest().toString().equals(ref)) {
      throw new MoatException(Failure.PROTOCOL, source + " has digest " + manifest.digest() + ", not the one asked for", "the registry is serving wrong content");
    }
    return Optional.of(manifest);
  }

  @Override
  public Manifest fetchManifest(String ref) throws MoatException {
    return findManifest(ref).orElseThrow(() -> new MoatException(
        Failure.NOT_FOUND, describe() + (Digest.isDigest(ref) ? "@" : ":") + ref + " does not exist", "check the image name and tag"));
  }

  @Override
  public boolean pushManifest(Manifest manifest, String tag) throws MoatException {
    boolean subjectIndexed = putManifest(manifest, manifest.digest().toString());
    if (tag != null) {
      putManifest(manifest, tag);
    }
    return subjectIndexed;
  }

  private boolean putManifest(Manifest manifest, String ref) throws MoatException {
    HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("PUT", "/v2/" + name + "/manifests/" + ref, push(),
        Map.of("Content-Type", manifest.mediaType()), () -> HttpRequest.BodyPublishers.ofByteArray(manifest.bytes())));
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw unexpected("storing manifest " + ref, response);
    }
    boolean subject = response.headers().firstValue("OCI-Subject").isPresent();
    RegistryTransport.discard(response);
    return subject;
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws MoatException {
    HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("HEAD", "/v2/" + name + "/blobs/" + blob.digest(), pull()));
    RegistryTransport.discard(response);
    if (response.statusCode() == 200) {
      return true;
    }
    if (response.statusCode() == 404) {
      return false;
    }
    throw new MoatException(Failure.PROTOCOL, describe() + " answered HTTP " + response.statusCode() + " checking blob " + blob.digest(), "");
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws MoatException {
    HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("GET", "/v2/" + name + "/blobs/" + blob.digest(), pull()));
    if (response.statusCode() == 404) {
      RegistryTransport.discard(response);
      throw new MoatException(Failure.NOT_FOUND, describe() + " has no blob " + blob.digest(), "the image is incomplete in the registry");
    }
    if (response.statusCode() != 200) {
      throw unexpected("fetching blob " + blob.digest(), response);
    }
    return response.body();
  }

  @Override
  public void pushBlob(Descriptor blob, BlobSource source) throws MoatException {
    upload(blob, () -> publisher(blob, source));
  }

  /** A monolithic upload (POST, then PUT with the digest), started afresh up to three times on server or connection failures. */
  private void upload(Descriptor blob, RegistryTransport.Body body) throws MoatException {
    MoatException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      String location = startUpload(null);
      String target = location + (location.contains("?") ? "&" : "?") + "digest=" + blob.digest();
      try {
        HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("PUT", target, push(),
            Map.of("Content-Type", "application/octet-stream"), body));
        if (response.statusCode() == 201 || response.statusCode() == 204) {
          RegistryTransport.discard(response);
          return;
        }
        last = unexpected("uploading blob " + blob.digest(), response);
        if (response.statusCode() < 500) {
          throw last;
        }
      } catch (MoatException e) {
        if (e.failure() != Failure.UNREACHABLE) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  /**
   * Streams a blob from a repository of another (or the same) registry into this one: the download's buffers
   * go into the upload through {@link DigestCheckingPublisher}, with no {@code InputStream} in between. A
   * retried upload downloads again.
   */
  void pushBlobFrom(Descriptor blob, RegistryRepository source) throws MoatException {
    RegistryTransport.Body body = () -> {
      HttpResponse<java.util.concurrent.Flow.Publisher<java.util.List<java.nio.ByteBuffer>>> download =
          source.transport.sendForBuffers(new RegistryTransport.Call("GET", "/v2/" + source.name + "/blobs/" + blob.digest(), source.pull()));
      if (download.statusCode() != 200) {
        download.body().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
          @Override public void onSubscribe(java.util.concurrent.Flow.Subscription s) { s.cancel(); }
          @Override public void onNext(java.util.List<java.nio.ByteBuffer> item) {}
          @Override public void onError(Throwable t) {}
          @Override public void onComplete() {}
        });
        throw new MoatException(download.statusCode() == 404 ? Failure.NOT_FOUND : Failure.PROTOCOL,
            source.describe() + " answered HTTP " + download.statusCode() + " fetching blob " + blob.digest(), "");
      }
      return HttpRequest.BodyPublishers.fromPublisher(new DigestCheckingPublisher(download.body(), blob, source.describe()), blob.size());
    };
    upload(blob, body);
  }

  private static HttpRequest.BodyPublisher publisher(Descriptor blob, BlobSource source) throws MoatException {
    InputStream first = source.open();
    Supplier<InputStream> streams = new Supplier<>() {
      private InputStream pending = first;

      @Override
      public InputStream get() {
        if (pending != null) {
          InputStream in = pending;
          pending = null;
          return in;
        }
        try {
          return source.open();
        } catch (MoatException e) {
          throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
      }
    };
    return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(streams), blob.size());
  }

  /** Starts an upload session, optionally trying a cross-repository mount; returns the upload location or null when mounted. */
  private String startUpload(String mountQuery) throws MoatException {
    List<String> scopes = new ArrayList<>(push());
    String path = "/v2/" + name + "/blobs/uploads/";
    if (mountQuery != null) {
      path += "?" + mountQuery;
      scopes.add("repository:" + mountQuery.replaceFirst(".*from=", "") + ":pull");
    }
    HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("POST", path, scopes));
    int status = response.statusCode();
    RegistryTransport.discard(response);
    if (status == 201 && mountQuery != null) {
      return null;
    }
    if (status != 202) {
      throw new MoatException(Failure.PROTOCOL, describe() + " answered HTTP " + status + " to a blob upload", "");
    }
    String location = response.headers().firstValue("Location").orElseThrow(
        () -> new MoatException(Failure.PROTOCOL, describe() + " started an upload without a Location", ""));
    return location.startsWith("http") ? location : response.uri().resolve(location).toString();
  }

  @Override
  public boolean mountBlob(Descriptor blob, ImageRepository source) throws MoatException {
    if (!(source instanceof RegistryRepository other) || !other.registryHost().equals(registryHost()) || other.name.equals(name)) {
      return false;
    }
    String location = startUpload("mount=" + blob.digest() + "&from=" + other.name);
    if (location == null) {
      return true;
    }
    HttpResponse<InputStream> cancel = transport.send(new RegistryTransport.Call("DELETE", location, push()));
    RegistryTransport.discard(cancel);
    return false;
  }

  @Override
  public List<String> listTags() throws MoatException {
    List<String> tags = new ArrayList<>();
    String next = "/v2/" + name + "/tags/list?n=1000";
    while (next != null) {
      HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("GET", next, pull()));
      if (response.statusCode() == 404) {
        RegistryTransport.discard(response);
        return tags;
      }
      if (response.statusCode() != 200) {
        throw unexpected("listing tags", response);
      }
      JsonNode json = readJson(response, "the tag list of " + describe());
      json.path("tags").forEach(t -> tags.add(t.asText()));
      next = nextLink(response);
    }
    return tags;
  }

  private static String nextLink(HttpResponse<InputStream> response) {
    String link = response.headers().firstValue("Link").orElse(null);
    if (link == null || !link.contains("rel=\"next\"")) {
      return null;
    }
    int open = link.indexOf('<');
    int close = link.indexOf('>');
    if (open < 0 || close < open) {
      return null;
    }
    return URI.create(response.uri().toString()).resolve(link.substring(open + 1, close)).toString();
  }

  @Override
  public List<Descriptor> referrers(Digest subject, String artifactType) throws MoatException {
    String path = "/v2/" + name + "/referrers/" + subject + (artifactType == null ? "" : "?artifactType=" + artifactType);
    HttpResponse<InputStream> response = transport.send(new RegistryTransport.Call("GET", path, pull(), Map.of("Accept", MediaTypes.OCI_INDEX), null));
    if (response.statusCode() == 200
        && response.headers().firstValue("Content-Type").orElse("").startsWith(MediaTypes.OCI_INDEX)) {
      JsonNode index = readJson(response, "the referrers of " + subject);
      return ReferrersIndex.filter(ReferrersIndex.entries(index), artifactType);
    }
    RegistryTransport.discard(response);
    return ReferrersIndex.fromFallbackTag(this, subject, artifactType);
  }

  private JsonNode readJson(HttpResponse<InputStream> response, String what) throws MoatException {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(Manifest.MAX_BYTES + 1);
      if (bytes.length > Manifest.MAX_BYTES) {
        throw new MoatException(Failure.PROTOCOL, what + " is over 4 MiB", "");
      }
      return Json.tree(bytes, what);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "lost the connection while reading " + what, "try again");
    }
  }

  private MoatException unexpected(String action, HttpResponse<InputStream> response) {
    String detail = RegistryTransport.errorDetail(response);
    return new MoatException(
        response.statusCode() >= 500 ? Failure.UNREACHABLE : Failure.PROTOCOL,
        describe() + " answered HTTP " + response.statusCode() + detail + " " + action,
        response.statusCode() >= 500 ? "the registry is failing; try again later" : "");
  }
}
