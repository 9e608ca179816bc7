package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

/**
 * An RFC 7512 PKCS#11 URI, the parts Moat uses: path attributes {@code token}, {@code object}, {@code id}
 * (percent-encoded bytes) and {@code slot-id}; query attributes {@code module-path}, {@code pin-value} and
 * {@code pin-source}. Other attributes are accepted and ignored, as RFC 7512 allows. {@code module-path} may
 * come from the environment variable {@code MOAT_PKCS11_MODULE} instead.
 */
record Pkcs11Uri(
    String token, String object, byte[] id, Long slotId, String modulePath, String pinValue, String pinSource) {

  static final String SCHEME = "pkcs11:";
  static final String MODULE_VARIABLE = "MOAT_PKCS11_MODULE";

  static boolean isPkcs11(String spec) {
    return spec != null && spec.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  static Pkcs11Uri parse(String spec, Map<String, String> env) throws MoatException {
    String rest = spec.substring(SCHEME.length());
    int question = rest.indexOf('?');
    String path = question < 0 ? rest : rest.substring(0, question);
    String query = question < 0 ? "" : rest.substring(question + 1);
    String token = null;
    String object = null;
    byte[] id = null;
    Long slotId = null;
    for (String attribute : path.split(";")) {
      if (attribute.isEmpty()) {
        continue;
      }
      String name = name(attribute, spec);
      String value = attribute.substring(attribute.indexOf('=') + 1);
      switch (name) {
        case "token" -> token = text(value, spec);
        case "object" -> object = text(value, spec);
        case "id" -> id = decode(value, spec);
        case "slot-id" -> slotId = number(text(value, spec), spec);
        default -> { } // manufacturer, model, serial, type, library-*: RFC 7512 lets us ignore them
      }
    }
    String modulePath = null;
    String pinValue = null;
    String pinSource = null;
    for (String attribute : query.split("&")) {
      if (attribute.isEmpty()) {
        continue;
      }
      String name = name(attribute, spec);
      String value = text(attribute.substring(attribute.indexOf('=') + 1), spec);
      switch (name) {
        case "module-path" -> modulePath = value;
        case "pin-value" -> pinValue = value;
        case "pin-source" -> pinSource = value.startsWith("file:") ? value.substring("file:".length()) : value;
        default -> { }
      }
    }
    if (modulePath == null) {
      modulePath = env.get(MODULE_VARIABLE);
    }
    if (modulePath == null || modulePath.isBlank()) {
      throw new MoatException(
          Failure.KEY,
          "no PKCS#11 module given for " + redacted(spec),
          "add ?module-path=/path/to/pkcs11-module.so to the URI or set " + MODULE_VARIABLE);
    }
    if (object == null && id == null) {
      throw new MoatException(
          Failure.INVALID_INPUT,
          redacted(spec) + " names no key",
          "add object=<label> or id=<%-encoded id> to the URI");
    }
    return new Pkcs11Uri(token, object, id, slotId, modulePath, pinValue, pinSource);
  }

  /** The URI for messages: token, slot, object and id, never the PIN. */
  String description() {
    StringBuilder text = new StringBuilder(SCHEME);
    String separator = "";
    if (token != null) {
      text.append("token=").append(token);
      separator = ";";
    }
    if (slotId != null) {
      text.append(separator).append("slot-id=").append(slotId);
      separator = ";";
    }
    if (object != null) {
      text.append(separator).append("object=").append(object);
      separator = ";";
    }
    if (id != null) {
      text.append(separator).append("id=");
      for (byte b : id) {
        text.append('%').append(HexFormat.of().toHexDigits(b));
      }
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return description();
  }

  /** The spec without its query (where pin-value lives), for messages about a URI that did not parse. */
  private static String redacted(String spec) {
    int question = spec.indexOf('?');
    return question < 0 ? spec : spec.substring(0, question);
  }

  private static String name(String attribute, String spec) throws MoatException {
    int equals = attribute.indexOf('=');
    if (equals <= 0) {
      throw new MoatException(
          Failure.INVALID_INPUT,
          "PKCS#11 URI " + redacted(spec) + " has an attribute without a value",
          "write attributes as name=value, e.g. pkcs11:token=moat;object=signer");
    }
    return attribute.substring(0, equals).toLowerCase(java.util.Locale.ROOT);
  }

  private static String text(String value, String spec) throws MoatException {
    return new String(decode(value, spec), StandardCharsets.UTF_8);
  }

  private static byte[] decode(String value, String spec) throws MoatException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int i = 0;
    while (i < value.length()) {
      int percent = value.indexOf('%', i);
      int end = percent < 0 ? value.length() : percent;
      bytes.writeBytes(value.substring(i, end).getBytes(StandardCharsets.UTF_8));
      if (percent < 0) {
        break;
      }
      if (percent + 3 > value.length()) {
        throw badEncoding(spec);
      }
      try {
        bytes.write(Integer.parseInt(value.substring(percent + 1, percent + 3), 16));
      } catch (NumberFormatException e) {
        throw badEncoding(spec);
      }
      i = percent + 3;
    }
    return bytes.toByteArray();
  }

  private static Long number(String value, String spec) throws MoatException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new MoatException(
          Failure.INVALID_INPUT, "slot-id " + value + " in " + redacted(spec) + " is not a number", "");
    }
  }

  private static MoatException badEncoding(String spec) {
    return new MoatException(
        Failure.INVALID_INPUT, "PKCS#11 URI " + redacted(spec) + " has a broken %-escape", "");
  }
}
