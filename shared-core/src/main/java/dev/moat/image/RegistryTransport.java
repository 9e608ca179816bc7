package dev.moat.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of one registry host: scheme (HTTPS, or plain HTTP where allowed), authentication (basic,
 * and the bearer-token flow with per-scope tokens, anonymous or with credentials), and retries with
 * exponential backoff on 429, 5xx and broken connections. Responses are streams: nothing here buffers a
 * blob.
 */
final class RegistryTransport {

  private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  private final String host;
  private final RegistryOptions options;
  private final HttpClient client;
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();
  private volatile URI base;
  private volatile Optional<Credential> credential;

  RegistryTransport(String host, RegistryOptions options, HttpClient client) {
    this.host = host;
    this.options = options;
    this.client = client;
  }

  String host() {
    return host;
  }

  /** A request, re-creatable so it can be retried. {@code body} is null for none. */
  record Call(String method, String target, List<String> scopes, Map<String, String> headers, Body body) {
    Call(String method, String target, List<String> scopes) {
      this(method, target, scopes, Map.of(), null);
    }
  }

  /** A request body that can be produced again for a retry. */
  interface Body {
    HttpRequest.BodyPublisher publisher() throws MoatException;
  }

  /** Sends a call; the caller reads and closes the body. 401/403 after authenticating are failures. */
  HttpResponse<InputStream> send(Call call) throws MoatException {
    return send(call, HttpResponse.BodyHandlers.ofInputStream(), RegistryTransport::discard, RegistryTransport::errorDetail);
  }

  /**
   * Sends a call whose answer is a stream of buffers (a blob fed straight into an upload); the caller
   * subscribes to the body.
   */
  HttpResponse<Flow.Publisher<List<ByteBuffer>>> sendForBuffers(Call call) throws MoatException {
    return send(call, HttpResponse.BodyHandlers.ofPublisher(), r -> r.body().subscribe(new Cancelling()), r -> "");
  }

  private <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> handler, Consumer<HttpResponse<T>> discard,
      Function<HttpResponse<T>, String> detailOf) throws MoatException {
    boolean authenticated = false;
    int attempt = 0;
    while (true) {
      attempt++;
      HttpResponse<T> response;
      try {
        response = client.send(request(call), handler);
      } catch (IOException e) {
        if (attempt < options.maxAttempts() && !(e instanceof ConnectException && attempt >= 2)) {
          sleep(backoff(attempt, null));
          continue;
        }
        throw unreachable(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MoatException(Failure.UNREACHABLE, "interrupted while talking to " + host, "");
      }
      int status = response.statusCode();
      if (status == 401 && !authenticated) {
        discard.accept(response);
        authenticate(response.headers(), call.scopes());
        authenticated = true;
        attempt--;
        continue;
      }
      if (status == 401 || status == 403) {
        String detail = detailOf.apply(response);
        throw new MoatException(
            Failure.AUTHENTICATION,
            "registry " + host + " refused access" + scopeText(call.scopes()) + " (HTTP " + status + detail + ")",
            credentialHint());
      }
      if ((status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
          && attempt < options.maxAttempts()) {
        String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
        discard.accept(response);
        sleep(backoff(attempt, retryAfter));
        continue;
      }
      return response;
    }
  }

  private HttpRequest request(Call call) throws MoatException {
    URI uri = call.target().startsWith("http") ? URI.create(call.target()) : base().resolve(call.target());
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("User-Agent", "moat");
    call.headers().forEach(builder::header);
    String authorization = authorizations.get(scopeKey(call.scopes()));
    if (authorization == null) {
      authorization = authorizations.get("*");
    }
    if (authorization != null && sameHost(uri)) {
      builder.header("Authorization", authorization);
    }
    boolean bodiless = call.method().equals("GET") || call.method().equals("HEAD");
    HttpRequest.BodyPublisher body = call.body() != null ? call.body().publisher()
        : bodiless ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(new byte[0]);
    builder.method(call.method(), body);
    return builder.build();
  }

  private boolean sameHost(URI uri) {
    String authority = uri.getAuthority();
    return authority != null && authority.equalsIgnoreCase(host);
  }

  /** HTTPS; for loopback and insecure registries, the first scheme whose {@code /v2/} answers like a registry. */
  URI base() throws MoatException {
    URI known = base;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (base != null) {
        return base;
      }
      URI https = URI.create("https://" + host + "/");
      if (!options.allowsPlainHttp(host)) {
        base = https;
        return base;
      }
      // Loopback first tries plain HTTP (the traffic never leaves the host, and it spares a TLS handshake that
      // would fail against the usual plain local registry); hosts named insecure try HTTPS first, as docker does.
      boolean loopback = options.allowsPlainHttp(host) && !options.insecureRegistries().contains(host);
      URI http = URI.create("http://" + host + "/");
      List<URI> order = loopback ? List.of(http, https) : List.of(https, http);
      IOException first = null;
      for (URI candidate : order) {
        try {
          if (probe(candidate)) {
            base = candidate;
            return base;
          }
        } catch (IOException e) {
          if (first == null || (first instanceof ConnectException && !(e instanceof ConnectException))) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw unreachable(first);
      }
      throw new MoatException(Failure.PROTOCOL, host + " does not answer like a registry on /v2/ over HTTP or HTTPS", "check the address");
    }
  }

  /**
   * Whether {@code /v2/} answers like a registry (200 or 401, as the distribution spec says). A plain-HTTP
   * request to a TLS port gets a 400 from most servers, so any other status means "not this scheme".
   */
  private boolean probe(URI scheme) throws IOException, MoatException {
    try {
      HttpResponse<Void> answer = client.send(
          HttpRequest.newBuilder(scheme.resolve("/v2/")).timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return answer.statusCode() == 200 || answer.statusCode() == 401;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.UNREACHABLE, "interrupted while talking to " + host, "");
    }
  }

  private void authenticate(java.net.http.HttpHeaders headers, List<String> scopes) throws MoatException {
    String header = headers.firstValue("WWW-Authenticate").orElse("");
    String scheme = header.split(" ", 2)[0].toLowerCase(Locale.ROOT);
    Optional<Credential> creds = credential();
    if (scheme.equals("basic")) {
      Credential c = creds.orElseThrow(() -> new MoatException(
          Failure.AUTHENTICATION, "registry " + host + " asks for a user name and password and none was given", credentialHint()));
      authorizations.put("*", basic(c));
      return;
    }
    if (!scheme.equals("bearer")) {
      throw new MoatException(
          Failure.PROTOCOL, "registry " + host + " answered 401 with an authentication scheme Moat does not know: '" + header + "'", "");
    }
    Map<String, String> params = new java.util.HashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(header);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new MoatException(Failure.PROTOCOL, "registry " + host + " sent a bearer challenge without a realm", "");
    }
    List<String> wanted = new ArrayList<>(scopes);
    if (wanted.isEmpty() && params.containsKey("scope")) {
      wanted.add(params.get("scope"));
    }
    authorizations.put(scopeKey(scopes), "Bearer " + fetchToken(realm, params.get("service"), wanted, creds));
  }

  private String fetchToken(String realm, String service, List<String> scopes, Optional<Credential> creds) throws MoatException {
    StringBuilder query = new StringBuilder();
    if (service != null) {
      query.append("service=").append(encode(service));
    }
    for (String scope : scopes) {
      query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(scope));
    }
    HttpRequest.Builder builder;
    if (creds.isPresent() && creds.get().isIdentityToken()) {
      String form = query + "&grant_type=refresh_token&client_id=moat&refresh_token=" + encode(creds.get().password());
      builder = HttpRequest.newBuilder(URI.create(realm))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form));
    } else {
      builder = HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + query)).GET();
      creds.ifPresent(c -> builder.header("Authorization", basic(c)));
    }
    try {
      HttpResponse<byte[]> answer = client.send(builder.header("User-Agent", "moat").build(), HttpResponse.BodyHandlers.ofByteArray());
      if (answer.statusCode() == 401 || answer.statusCode() == 403) {
        throw new MoatException(
            Failure.AUTHENTICATION,
            "the token service of " + host + " refused " + creds.map(c -> "the credentials of '" + c.username() + "'").orElse("anonymous access"),
            credentialHint());
      }
      if (answer.statusCode() != 200) {
        throw new MoatException(Failure.PROTOCOL, "the token service of " + host + " answered HTTP " + answer.statusCode(), "");
      }
      JsonNode json = Json.tree(answer.body(), "the token service of " + host);
      String token = json.path("token").asText("");
      if (token.isEmpty()) {
        token = json.path("access_token").asText("");
      }
      if (token.isEmpty()) {
        throw new MoatException(Failure.PROTOCOL, "the token service of " + host + " answered without a token", "");
      }
      return token;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.UNREACHABLE, "interrupted while talking to " + host, "");
    }
  }

  private Optional<Credential> credential() throws MoatException {
    Optional<Credential> c = credential;
    if (c == null) {
      c = options.credentials().find(host);
      credential = c;
    }
    return c;
  }

  private String credentialHint() {
    return "set " + EnvironmentCredentials.variablePrefix(host) + "USERNAME/_PASSWORD or log in with docker login " + host;
  }

  private static String basic(Credential c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String scopeKey(List<String> scopes) {
    return String.join(" ", scopes);
  }

  private static String scopeText(List<String> scopes) {
    return scopes.isEmpty() ? "" : " to " + String.join(", ", scopes);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private Duration backoff(int attempt, String retryAfter) {
    if (retryAfter != null && retryAfter.matches("[0-9]{1,4}")) {
      Duration asked = Duration.ofSeconds(Long.parseLong(retryAfter));
      return asked.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : asked;
    }
    Duration d = options.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 10));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private static void sleep(Duration d) throws MoatException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MoatException(Failure.UNREACHABLE, "interrupted while waiting to retry", "");
    }
  }

  private MoatException unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused"
        : e instanceof HttpTimeoutException ? "timed out"
        : e instanceof SSLException || e.getCause() instanceof SSLException ? "TLS failed: " + rootMessage(e)
        : rootMessage(e);
    String hint = why.startsWith("TLS")
        ? "trust the registry's CA with --registry-ca FILE, or allow plain HTTP with --insecure-registry " + host
        : "check that the registry " + host + " is running and reachable";
    return new MoatException(Failure.UNREACHABLE, "cannot reach registry " + host + " (" + why + ")", hint, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Takes nothing from a buffer stream and lets the connection go. */
  private static final class Cancelling implements Flow.Subscriber<List<ByteBuffer>> {
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }

  static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the response is thrown away anyway
    }
  }

  /** The registry's error message, {@code : CODE message}, or empty. Reads at most 64 KiB. */
  static String errorDetail(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(64 * 1024);
      JsonNode json = Json.MAPPER.readTree(bytes);
      JsonNode first = json == null ? null : json.path("errors").path(0);
      if (first != null && first.has("code")) {
        return ": " + first.path("code").asText() + " " + first.path("message").asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // no detail then
    }
    return "";
  }
}
