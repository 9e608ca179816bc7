package dev.moat.scan.engine;

import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Unique markers for one scan: {@code moat} and 10 random lower-case letters and digits, never handed out twice. */
public final class Markers {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Set<String> issued = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();

  public String next() {
    while (true) {
      StringBuilder sb = new StringBuilder("moat");
      for (int i = 0; i < 10; i++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      if (issued.add(sb.toString())) {
        return sb.toString();
      }
    }
  }
}
