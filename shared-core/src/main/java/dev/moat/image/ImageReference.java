package dev.moat.image;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A registry image reference with Docker's normalisation: {@code alpine} is {@code
 * docker.io/library/alpine:latest}; a first component is a registry host only when it has a dot or a
 * colon or is {@code localhost}. A reference may carry a tag, a digest or both; with neither it gets
 * the tag {@code latest}.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

  public static final String DOCKER_HUB = "docker.io";
  private static final String DEFAULT_TAG = "latest";
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  public static ImageReference parse(String text) throws MoatException {
    if (text == null || text.isBlank()) {
      throw invalid(text, "give an image such as registry.example.com/team/app:1.0 or app@sha256:<hex>");
    }
    String rest = text.trim();
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String d = rest.substring(at + 1);
      if (!Digest.isDigest(d)) {
        throw invalid(text, "the part after '@' must be sha256: and 64 lower-case hex digits");
      }
      digest = Digest.parse(d);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
      }
    }
    String registry = DOCKER_HUB;
    String path = rest;
    int first = rest.indexOf('/');
    if (first > 0) {
      String head = rest.substring(0, first);
      if (head.contains(".") || head.contains(":") || head.equals("localhost") || !head.equals(head.toLowerCase(Locale.ROOT))) {
        registry = head;
        path = rest.substring(first + 1);
      }
    }
    if (!HOST.matcher(registry).matches()) {
      throw invalid(text, "'" + registry + "' is not a registry host[:port]");
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (path.isEmpty()) {
      throw invalid(text, "the repository name is missing");
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw invalid(text, "repository names are lower-case letters, digits and separators ('.', '_', '-'), split by '/'");
      }
    }
    if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (path.length() > 255) {
      throw invalid(text, "a repository name is at most 255 characters");
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, path, tag, digest);
  }

  private static MoatException invalid(String text, String hint) {
    return new MoatException(Failure.INVALID_INPUT, "'" + text + "' is not a valid image reference", hint);
  }

  /** The host to talk to: Docker Hub's API lives at registry-1.docker.io. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  /** The tag or, when pinned, the digest: what goes in {@code /v2/<name>/manifests/<reference>}. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, newDigest);
  }

  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, null);
  }

  public ImageReference withRepository(String newRepository) {
    return new ImageReference(registry, newRepository, tag, digest);
  }

  /** {@code registry/repository} — what cosign puts in the payload's {@code docker-reference}. */
  public String repositoryName() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(repositoryName());
    if (tag != null) {
      s.append(':').append(tag);
    }
    if (digest != null) {
      s.append('@').append(digest);
    }
    return s.toString();
  }
}
