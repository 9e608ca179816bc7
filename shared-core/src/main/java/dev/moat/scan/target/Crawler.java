package dev.moat.scan.target;

import dev.moat.scan.Endpoint;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanClient;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Finds the endpoints of an HTML application: breadth-first from the start URL through links ({@code a}, {@code
 * area}, frames) and forms (GET and POST, urlencoded or multipart, with the values the form holds), within the
 * scope, a depth and a page limit. Links out of scope are dropped before anything is sent. A link with a query
 * becomes an endpoint with those query parameters; a path is fetched with at most {@link #VARIANTS_PER_PATH}
 * different queries, so a calendar or a paginated list cannot eat the page budget.
 */
public final class Crawler {

  static final int VARIANTS_PER_PATH = 3;
  /** Links read from one page at most (a page of 10,000 links costs no more than this). */
  static final int LINKS_PER_PAGE = 500;

  private final ScanClient client;
  private final int maxDepth;
  private final int maxPages;

  public Crawler(ScanClient client, int maxDepth, int maxPages) {
    this.client = client;
    this.maxDepth = maxDepth;
    this.maxPages = maxPages;
  }

  /** What a crawl found: the endpoints, pages fetched, and failures worth a note. */
  public record Result(List<Endpoint> endpoints, int pagesFetched, List<String> notes) {}

  public Result crawl(URI start) throws InterruptedException {
    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    Set<String> queued = new HashSet<>();
    Map<String, Integer> variants = new HashMap<>();
    ArrayDeque<Object[]> queue = new ArrayDeque<>();
    List<String> notes = new ArrayList<>();
    queue.add(new Object[] {normalise(start), 0});
    queued.add(normalise(start).toString());
    int pages = 0;
    while (!queue.isEmpty() && pages < maxPages) {
      Object[] next = queue.poll();
      URI uri = (URI) next[0];
      int depth = (Integer) next[1];
      ScanResponse response;
      try {
        pages++;
        response = client.sendFollowingRedirects(ScanRequest.get(uri));
      } catch (IOException e) {
        notes.add("crawl: " + uri + ": " + e.getMessage());
        continue;
      }
      add(endpoints, linkEndpoint(uri));
      if (response.status() >= 400 || !response.mediaType().contains("html")) {
        continue;
      }
      Document page = Jsoup.parse(response.text(), response.uri().toString());
      for (Element form : page.select("form")) {
        Endpoint e = formEndpoint(form, response.uri());
        if (e != null) {
          add(endpoints, e);
        }
      }
      if (depth >= maxDepth) {
        continue;
      }
      int links = 0;
      for (Element link : page.select("a[href], area[href], frame[src], iframe[src]")) {
        if (links++ >= LINKS_PER_PAGE) {
          notes.add("crawl: " + uri + " has more than " + LINKS_PER_PAGE + " links; the rest were not followed");
          break;
        }
        String href = link.hasAttr("href") ? link.absUrl("href") : link.absUrl("src");
        URI target = parse(href);
        if (target == null || !client.scope().allows(target)) {
          continue;
        }
        target = normalise(target);
        String path = target.getScheme() + "://" + target.getRawAuthority() + target.getRawPath();
        if (queued.contains(target.toString()) || (target.getRawQuery() != null && variants.getOrDefault(path, 0) >= VARIANTS_PER_PATH)) {
          continue;
        }
        if (target.getRawQuery() != null) {
          variants.merge(path, 1, Integer::sum);
        }
        queued.add(target.toString());
        queue.add(new Object[] {target, depth + 1});
      }
    }
    if (!queue.isEmpty()) {
      notes.add("crawl: stopped at the page limit of " + maxPages + "; " + queue.size() + " queued link(s) not fetched");
    }
    return new Result(List.copyOf(endpoints.values()), pages, notes);
  }

  private static void add(Map<String, Endpoint> endpoints, Endpoint e) {
    String key = e.key() + " " + e.parameters().stream().map(p -> p.location() + ":" + p.name()).sorted().toList();
    endpoints.putIfAbsent(key, e);
  }

  private static Endpoint linkEndpoint(URI uri) {
    List<Parameter> query = new ArrayList<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (query.stream().noneMatch(p -> p.name().equals(name))) {
          query.add(Parameter.of(name, ParameterLocation.QUERY, value));
        }
      }
    }
    return new Endpoint("GET", origin(uri), uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(), query, null, "crawl");
  }

  private Endpoint formEndpoint(Element form, URI page) {
    String action = form.hasAttr("action") && !form.attr("action").isBlank() ? form.absUrl("action") : page.toString();
    URI target = parse(action);
    if (target == null || !client.scope().allows(target)) {
      return null;
    }
    String method = form.attr("method").isBlank() ? "GET" : form.attr("method").toUpperCase(Locale.ROOT);
    boolean post = method.equals("POST");
    boolean multipart = post && form.attr("enctype").toLowerCase(Locale.ROOT).contains("multipart");
    ParameterLocation location = !post ? ParameterLocation.QUERY : multipart ? ParameterLocation.MULTIPART_BODY : ParameterLocation.FORM_BODY;
    List<Parameter> parameters = new ArrayList<>();
    for (Element input : form.select("input[name], textarea[name], select[name], button[name]")) {
      String name = input.attr("name");
      if (parameters.stream().anyMatch(p -> p.name().equals(name))) {
        continue;
      }
      String type = input.attr("type").toLowerCase(Locale.ROOT);
      String value;
      if (input.tagName().equals("select")) {
        Element option = input.selectFirst("option[selected]");
        option = option == null ? input.selectFirst("option") : option;
        value = option == null ? "" : option.hasAttr("value") ? option.attr("value") : option.text();
      } else if (input.tagName().equals("textarea")) {
        value = input.text();
      } else {
        value = input.attr("value");
      }
      if (value.isEmpty()) {
        value = switch (type) {
          case "email" -> "moat@example.com";
          case "number" -> "1";
          case "url" -> "https://example.com/";
          case "password" -> "moat-Passw0rd";
          case "file" -> "moat.txt";
          default -> "moat";
        };
      }
      String schemaType = type.equals("file") && multipart ? "file" : type.equals("url") ? "url" : type.equals("number") ? "integer" : "string";
      parameters.add(new Parameter(name, location, value, schemaType, input.hasAttr("required")));
    }
    return new Endpoint(post ? "POST" : method.equals("GET") ? "GET" : method, origin(target),
        target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath(), parameters, null, "crawl");
  }

  private static URI origin(URI uri) {
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static URI parse(String href) {
    if (href == null || href.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(href.trim());
      return uri.getScheme() == null || uri.getHost() == null ? null : uri;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** Without the fragment; an empty path becomes {@code /}. */
  private static URI normalise(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
