package dev.moat.image;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 hex>} (the only algorithm registries and cosign use in practice). */
public record Digest(String algorithm, String hex) {

  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  public Digest {
    if (!"sha256".equals(algorithm) || hex == null || hex.length() != 64) {
      throw new IllegalArgumentException("not a sha256 digest: " + algorithm + ":" + hex);
    }
  }

  public static Digest parse(String value) throws MoatException {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw new MoatException(
          Failure.INVALID_INPUT,
          "'" + value + "' is not a digest",
          "a digest looks like sha256: followed by 64 lower-case hex digits");
    }
    return new Digest("sha256", value.substring(7));
  }

  @JsonCreator
  static Digest fromJson(String value) {
    if (!isDigest(value)) {
      throw new IllegalArgumentException("not a sha256 digest: " + value);
    }
    return new Digest("sha256", value.substring(7));
  }

  public static boolean isDigest(String value) {
    return value != null && SHA256.matcher(value).matches();
  }

  public static Digest of(byte[] content) {
    return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(content)));
  }

  public static Digest ofHash(byte[] sha256) {
    return new Digest("sha256", HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The tag form cosign uses: {@code sha256-<hex>}. */
  public String tagForm() {
    return algorithm + "-" + hex;
  }

  @JsonValue
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
