package dev.moat.scan.poc;

import dev.moat.scan.ScanRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code http} block: either {@code method} + {@code path}s (+ {@code headers}, {@code body}) or {@code raw}
 * requests, the matchers and extractors applied to each answer, and the block's options.
 *
 * @param method the method of the path requests (GET, HEAD, OPTIONS or POST)
 * @param paths the paths, each starting with {@code {{BaseURL}}} or {@code {{RootURL}}}
 * @param headers headers of the path requests
 * @param body body of the path requests; may be empty
 * @param raws the raw requests (when there are no paths)
 * @param matchAll {@code matchers-condition: and}; false for {@code or} (the default)
 * @param matchers the matchers
 * @param extractors the extractors
 * @param stopAtFirstMatch stop the template at its first match
 * @param redirects follow redirects (within the scan's scope)
 * @param maxRedirects how many redirects at most
 */
public record PocRequest(String method, List<String> paths, Map<String, String> headers, String body, List<RawRequest> raws, boolean matchAll,
    List<PocMatcher> matchers, List<PocExtractor> extractors, boolean stopAtFirstMatch, boolean redirects, int maxRedirects) {

  public PocRequest {
    paths = List.copyOf(paths);
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body = body == null ? "" : body;
    raws = List.copyOf(raws);
    matchers = List.copyOf(matchers);
    extractors = List.copyOf(extractors);
  }

  int exchanges() {
    return paths.size() + raws.size();
  }

  /** The requests of this block against the target the variables describe, in order. */
  List<ScanRequest> build(PocVariables variables) {
    List<ScanRequest> out = new ArrayList<>();
    for (String path : paths) {
      Map<String, List<String>> h = new LinkedHashMap<>();
      headers.forEach((k, v) -> h.put(variables.resolve(k), List.of(variables.resolve(v))));
      out.add(new ScanRequest(method, URI.create(variables.resolve(path)), h, variables.resolve(body).getBytes(StandardCharsets.UTF_8)));
    }
    for (RawRequest raw : raws) {
      out.add(raw.toScanRequest(variables));
    }
    return out;
  }
}
