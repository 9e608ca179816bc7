package dev.moat.scan.target;

/**
 * Bounds of a crawl, so that a hostile site (endless links, redirect loops, huge pages) cannot keep the
 * scanner busy.
 *
 * @param maxDepth links followed from the start page (0: the start page only)
 * @param maxPages pages fetched in all
 * @param maxLinksPerPage links and forms read from one page; the rest of the page is ignored
 * @param maxQueryVariantsPerPath distinct query parameter sets kept for one path ({@code ?id=} and {@code ?id=&sort=} are two)
 * @param maxEndpoints endpoints returned in all
 * @param maxPageChars characters of one page parsed (the client's byte cap applies first)
 */
public record CrawlLimits(int maxDepth, int maxPages, int maxLinksPerPage, int maxQueryVariantsPerPath, int maxEndpoints,
    int maxPageChars) {

  public CrawlLimits {
    if (maxDepth < 0 || maxPages < 1 || maxLinksPerPage < 1 || maxQueryVariantsPerPath < 1 || maxEndpoints < 1 || maxPageChars < 1) {
      throw new IllegalArgumentException("crawl limits must be positive (depth may be 0)");
    }
  }

  /** Depth 5, 200 pages, 500 links a page, 5 query variants a path, 1,000 endpoints, 2 M characters a page. */
  public static CrawlLimits defaults() {
    return new CrawlLimits(5, 200, 500, 5, 1000, 2_000_000);
  }

  public CrawlLimits withDepth(int depth) {
    return new CrawlLimits(depth, maxPages, maxLinksPerPage, maxQueryVariantsPerPath, maxEndpoints, maxPageChars);
  }

  public CrawlLimits withMaxPages(int pages) {
    return new CrawlLimits(maxDepth, pages, maxLinksPerPage, maxQueryVariantsPerPath, maxEndpoints, maxPageChars);
  }
}
