package dev.moat.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to talk to registries.
 *
 * @param insecureRegistries hosts ({@code host[:port]}) that may be reached over plain HTTP; loopback
 *     hosts always may
 * @param caCertificates PEM files of extra certificate authorities to trust, besides the JDK's
 * @param credentials where credentials come from
 * @param maxAttempts attempts per request on 429, 5xx and connection resets (with exponential backoff)
 * @param initialBackoff the first backoff; it doubles per attempt
 */
public record RegistryOptions(
    Set<String> insecureRegistries,
    List<Path> caCertificates,
    RegistryCredentials credentials,
    int maxAttempts,
    Duration initialBackoff) {

  public RegistryOptions {
    insecureRegistries = Set.copyOf(insecureRegistries);
    caCertificates = List.copyOf(caCertificates);
  }

  public static RegistryOptions defaults() {
    return new RegistryOptions(Set.of(), List.of(), RegistryCredentials.standard(Map.of(), System.getenv()), 5, Duration.ofMillis(200));
  }

  public RegistryOptions withCredentials(RegistryCredentials newCredentials) {
    return new RegistryOptions(insecureRegistries, caCertificates, newCredentials, maxAttempts, initialBackoff);
  }

  public boolean allowsPlainHttp(String host) {
    String bare = host.replaceFirst(":[0-9]+$", "");
    return insecureRegistries.contains(host)
        || insecureRegistries.contains(bare)
        || bare.equals("localhost")
        || bare.startsWith("127.")
        || bare.equals("[::1]");
  }
}
