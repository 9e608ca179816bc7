package dev.moat.decoy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Canned answers shipped as resources under {@code dev/moat/decoy/<family>/}, read once and kept. */
final class CannedText {

  private final String family;
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  CannedText(String family) {
    this.family = family;
  }

  String get(String name) {
    return cache.computeIfAbsent(name, this::load);
  }

  private String load(String name) {
    String resource = family + "/" + name;
    try (InputStream in = CannedText.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("canned decoy resource missing: dev/moat/decoy/" + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
