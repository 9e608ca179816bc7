package dev.moat.decoy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lenient percent-decoding of attacker text (bad escapes kept as they are) and form bodies. Text only. */
final class Decoding {

  private Decoding() {}

  /** One round of percent-decoding ({@code +} stays {@code +} unless {@code plusIsSpace}). */
  static String percentDecode(String text, boolean plusIsSpace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
        out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
        i += 2;
      } else if (b == '%' && i + 5 < bytes.length && (bytes[i + 1] == 'u' || bytes[i + 1] == 'U') && hex(bytes[i + 2]) >= 0
          && hex(bytes[i + 3]) >= 0 && hex(bytes[i + 4]) >= 0 && hex(bytes[i + 5]) >= 0) {
        int c = ((hex(bytes[i + 2]) * 16 + hex(bytes[i + 3])) * 16 + hex(bytes[i + 4])) * 16 + hex(bytes[i + 5]);
        out.writeBytes(String.valueOf((char) c).getBytes(StandardCharsets.UTF_8));
        i += 5;
      } else if (b == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Decodes until nothing changes, at most {@code rounds} times; every intermediate form, original first. */
  static List<String> decodings(String text, int rounds) {
    List<String> forms = new ArrayList<>();
    forms.add(text);
    String current = text;
    for (int i = 0; i < rounds; i++) {
      String next = percentDecode(current, false);
      if (next.equals(current)) {
        break;
      }
      forms.add(next);
      current = next;
    }
    return forms;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** An {@code application/x-www-form-urlencoded} body as fields in order. */
  static Map<String, String> form(byte[] body) {
    Map<String, String> fields = new LinkedHashMap<>();
    String text = new String(body, StandardCharsets.UTF_8);
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
      String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true);
      fields.putIfAbsent(name, value);
    }
    return fields;
  }

  /** A request parameter from the query or, for a form POST, from the body. */
  static String parameter(HttpRequestView request, String name) {
    String value = request.queryParameter(name);
    if (value == null && request.body().length > 0) {
      value = form(request.body()).get(name);
    }
    return value;
  }
}
