package dev.moat.scan.target;

import dev.moat.scan.Endpoint;
import dev.moat.scan.OutOfScopeException;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Finds a site's endpoints by following its HTML: links ({@code <a>}, {@code <area>}, {@code <link>}), frames
 * ({@code <frame>}, {@code <iframe>}) and forms, breadth first from a start URL. Only GET requests for pages
 * are sent, through the in-scope {@link ScanClient}; forms are recorded, never submitted. URLs outside the
 * client's scope are dropped before anything is sent. Every step is bounded by {@link CrawlLimits}. HTML is
 * parsed with jsoup; non-HTML responses are not parsed.
 */
public final class Crawler {

  private final ScanClient client;
  private final CrawlLimits limits;

  public Crawler(ScanClient client, CrawlLimits limits) {
    this.client = client;
    this.limits = limits;
  }

  /** What a crawl found and what it did. */
  public record Result(List<Endpoint> endpoints, int pagesFetched, int outOfScopeSkipped) {
    public Result {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** Crawls from {@code start}; the endpoints (source {@code crawl}) in the order found. */
  public List<Endpoint> crawl(URI start) throws InterruptedException {
    return crawlWithCounts(start).endpoints();
  }

  /** Like {@link #crawl}, with the counts of pages fetched and links skipped for being out of scope. */
  public Result crawlWithCounts(URI start) throws InterruptedException {
    ScanScope scope = client.scope();
    Map<String, Endpoint> found = new LinkedHashMap<>();
    Map<String, Set<String>> queryVariants = new HashMap<>();
    Set<String> queued = new HashSet<>();
    Deque<URI> queue = new ArrayDeque<>();
    Map<String, Integer> depthOf = new HashMap<>();
    int pages = 0;
    int skipped = 0;
    URI first = normalise(start);
    if (first == null || !scope.allows(first)) {
      return new Result(List.of(), 0, 1);
    }
    queue.add(first);
    queued.add(first.toString());
    depthOf.put(first.toString(), 0);
    record(found, queryVariants, linkEndpoint(first));
    while (!queue.isEmpty() && pages < limits.maxPages()) {
      URI url = queue.poll();
      int depth = depthOf.get(url.toString());
      ScanResponse response;
      try {
        response = client.sendFollowingRedirects(ScanRequest.get(url));
      } catch (OutOfScopeException e) {
        skipped++;
        continue;
      } catch (IOException e) {
        continue; // an unreachable page is left out; the rest of the site is still crawled
      }
      pages++;
      if (!isHtml(response)) {
        continue;
      }
      URI base = response.uri() != null ? response.uri() : url;
      String text = response.text();
      if (text.length() > limits.maxPageChars()) {
        text = text.substring(0, limits.maxPageChars());
      }
      Document doc = Jsoup.parse(text, base.toString());
      Element baseTag = doc.selectFirst("base[href]");
      if (baseTag != null) {
        URI b = resolve(base, baseTag.attr("href"));
        if (b != null) {
          base = b;
        }
      }
      int read = 0;
      for (Element e : doc.select("a[href], area[href], link[href], frame[src], iframe[src], form")) {
        if (read++ >= limits.maxLinksPerPage() || found.size() >= limits.maxEndpoints()) {
          break;
        }
        if (e.normalName().equals("form")) {
          Endpoint form = formEndpoint(e, base, url);
          if (form == null) {
            continue;
          }
          if (!scope.allows(URI.create(form.server() + form.pathTemplate()))) {
            skipped++;
            continue;
          }
          record(found, queryVariants, form);
          continue;
        }
        String ref = e.hasAttr("href") ? e.attr("href") : e.attr("src");
        URI link = normalise(resolve(base, ref));
        if (link == null) {
          continue;
        }
        if (!scope.allows(link)) {
          skipped++;
          continue;
        }
        if (!record(found, queryVariants, linkEndpoint(link))) {
          continue;
        }
        if (depth < limits.maxDepth() && queued.add(link.toString())) {
          depthOf.put(link.toString(), depth + 1);
          queue.add(link);
        }
      }
    }
    return new Result(new ArrayList<>(found.values()), pages, skipped);
  }

  private static boolean isHtml(ScanResponse response) {
    String media = response.mediaType();
    return media.equals("text/html") || media.equals("application/xhtml+xml");
  }

  /** Records an endpoint unless known (method, path, parameter names) or its path has too many query variants. */
  private boolean record(Map<String, Endpoint> found, Map<String, Set<String>> queryVariants, Endpoint e) {
    if (found.size() >= limits.maxEndpoints()) {
      return false;
    }
    TreeSet<String> names = new TreeSet<>();
    for (Parameter p : e.parameters()) {
      names.add(p.location() + ":" + p.name());
    }
    String key = e.key() + " " + names;
    if (found.containsKey(key)) {
      return false;
    }
    Set<String> variants = queryVariants.computeIfAbsent(e.method() + " " + e.server() + e.pathTemplate(), k -> new HashSet<>());
    if (!variants.contains(names.toString()) && variants.size() >= limits.maxQueryVariantsPerPath()) {
      return false;
    }
    variants.add(names.toString());
    found.put(key, e);
    return true;
  }

  private static Endpoint linkEndpoint(URI url) {
    List<Parameter> params = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (url.getRawQuery() != null) {
      for (String pair : url.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (!name.isEmpty() && seen.add(name)) {
          params.add(new Parameter(name, ParameterLocation.QUERY, value, urlType(value), false));
        }
      }
    }
    return new Endpoint("GET", origin(url), path(url), params, null, "crawl");
  }

  private static Endpoint formEndpoint(Element form, URI base, URI page) {
    String action = form.attr("action").trim();
    URI target = normalise(action.isEmpty() ? page : resolve(base, action));
    if (target == null) {
      return null;
    }
    String method = form.attr("method").trim().toLowerCase(Locale.ROOT).equals("post") ? "POST" : "GET";
    boolean multipart = method.equals("POST") && form.attr("enctype").trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    ParameterLocation location = method.equals("GET") ? ParameterLocation.QUERY : multipart ? ParameterLocation.MULTIPART_BODY
        : ParameterLocation.FORM_BODY;
    List<Parameter> params = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (method.equals("POST")) {
      // a POST form's action may carry a query of its own: keep it as query parameters
      for (Parameter q : linkEndpoint(target).parameters()) {
        params.add(q);
      }
    }
    for (Element input : form.select("input[name], select[name], textarea[name], button[name][value]")) {
      String name = input.attr("name");
      if (name.isEmpty() || !seen.add(name)) {
        continue;
      }
      String type = input.attr("type").toLowerCase(Locale.ROOT);
      String value;
      String paramType = "string";
      switch (input.normalName()) {
        case "select" -> {
          Element option = input.selectFirst("option[selected]");
          option = option == null ? input.selectFirst("option") : option;
          value = option == null ? "" : option.hasAttr("value") ? option.attr("value") : option.text();
        }
        case "textarea" -> value = input.wholeText();
        default -> {
          if (type.equals("file")) {
            value = "moat test file";
            paramType = multipart ? "file" : "string";
          } else if (type.equals("checkbox") || type.equals("radio")) {
            value = input.hasAttr("value") ? input.attr("value") : "on";
          } else if (type.equals("image") || type.equals("reset")) {
            continue;
          } else {
            value = input.attr("value");
            if (value.isEmpty()) {
              value = placeholder(type, name);
            }
          }
          if (type.equals("number") || type.equals("range")) {
            paramType = "integer";
          } else if (type.equals("url")) {
            paramType = "url";
          }
        }
      }
      if (paramType.equals("string")) {
        paramType = urlType(value);
      }
      params.add(new Parameter(name, location, value, paramType, input.hasAttr("required")));
    }
    URI server = origin(target);
    return new Endpoint(method, server, path(target), params, null, "crawl");
  }

  private static String placeholder(String type, String name) {
    return switch (type) {
      case "email" -> "moat@example.com";
      case "number", "range" -> "1";
      case "url" -> SchemaValues.URL_VALUE;
      case "date" -> "2024-01-01";
      case "hidden", "submit" -> "";
      default -> new Parameter(name, ParameterLocation.QUERY, "", "string", false).looksLikeUrl() ? SchemaValues.URL_VALUE : "moat";
    };
  }

  private static String urlType(String value) {
    return value.startsWith("http://") || value.startsWith("https://") ? "url" : "string";
  }

  private static URI origin(URI url) {
    return URI.create(url.getScheme() + "://" + url.getRawAuthority());
  }

  private static String path(URI url) {
    String p = url.getRawPath();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static URI resolve(URI base, String ref) {
    if (ref == null) {
      return null;
    }
    String r = ref.trim().replace(" ", "%20");
    if (r.isEmpty() || r.startsWith("#")) {
      return null;
    }
    String lower = r.toLowerCase(Locale.ROOT);
    if (lower.startsWith("javascript:") || lower.startsWith("mailto:") || lower.startsWith("data:") || lower.startsWith("tel:")) {
      return null;
    }
    try {
      return base.resolve(new URI(r));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Scheme and host lower case, default port dropped, empty path made {@code /}, fragment removed; null when not http(s). */
  static URI normalise(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    int port = uri.getPort();
    if (scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443) {
      port = -1;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String userInfo = uri.getRawUserInfo();
    String s = scheme + "://" + (userInfo == null ? "" : userInfo + "@") + host + (port < 0 ? "" : ":" + port) + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
