package dev.moat.scan;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the scanner may send requests to: the origins (scheme, host, port) of the targets, and optionally URLs
 * matching a user's regular expression ({@code --scope}). Every request and every redirect is checked.
 */
public record ScanScope(Set<String> origins, Pattern extra) {

  public ScanScope {
    origins = Set.copyOf(origins);
  }

  /** Same origin as each target; {@code extraRegex} (may be null) widens it to URLs it matches from the start. */
  public static ScanScope of(List<URI> targets, String extraRegex) {
    return new ScanScope(targets.stream().map(ScanScope::origin).collect(Collectors.toSet()),
        extraRegex == null || extraRegex.isBlank() ? null : Pattern.compile(extraRegex));
  }

  public boolean allows(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return false;
    }
    return origins.contains(origin(uri)) || (extra != null && extra.matcher(uri.toString()).lookingAt());
  }

  /** {@code scheme://host:port}, lower-cased, with the default port made explicit. */
  public static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanScope s && origins.equals(s.origins)
        && (extra == null ? s.extra == null : s.extra != null && extra.pattern().equals(s.extra.pattern()));
  }

  @Override
  public int hashCode() {
    return origins.hashCode() * 31 + (extra == null ? 0 : extra.pattern().hashCode());
  }
}
