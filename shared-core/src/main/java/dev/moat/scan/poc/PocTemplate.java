package dev.moat.scan.poc;

import java.util.List;

/**
 * One PoC template of the supported Nuclei subset, checked when it was read.
 *
 * @param id the template's {@code id}: unique among the templates of a scan; findings carry it as their parameter
 * @param source where it was read from (a file path, or {@code built-in:NAME})
 * @param info its {@code info} block
 * @param requests its {@code http} (or legacy {@code requests}) blocks, in order
 */
public record PocTemplate(String id, String source, PocInfo info, List<PocRequest> requests) {

  public PocTemplate {
    requests = List.copyOf(requests);
  }

  /** How many HTTP requests one run sends at most (before redirects). */
  public int exchanges() {
    return requests.stream().mapToInt(PocRequest::exchanges).sum();
  }
}
