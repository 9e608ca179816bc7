package dev.moat.scan.poc;

import dev.moat.scan.ScanResponse;
import java.util.List;
import java.util.Map;

/**
 * The part of a response a matcher or extractor reads. The header part is the status line and one
 * {@code name: value} line per header; names are lower-cased (as the scanner keeps them), so matchers on header
 * names should be {@code case-insensitive}.
 */
public enum ResponsePart {
  BODY,
  HEADER,
  ALL;

  /** {@code body}, {@code header}, {@code all}, {@code response} or {@code raw}; null for anything else. */
  static ResponsePart parse(String text) {
    return switch (text) {
      case "body" -> BODY;
      case "header", "headers" -> HEADER;
      case "all", "response", "raw" -> ALL;
      default -> null;
    };
  }

  String text(ScanResponse response) {
    return switch (this) {
      case BODY -> response.text();
      case HEADER -> headerBlock(response);
      case ALL -> headerBlock(response) + "\r\n" + response.text();
    };
  }

  private static String headerBlock(ScanResponse response) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(response.status()).append("\r\n");
    for (Map.Entry<String, List<String>> h : response.headers().entrySet()) {
      for (String v : h.getValue()) {
        sb.append(h.getKey()).append(": ").append(v).append("\r\n");
      }
    }
    return sb.toString();
  }
}
