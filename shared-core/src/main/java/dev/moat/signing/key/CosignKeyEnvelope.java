package dev.moat.signing.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * cosign's encrypted private key: the body of a PEM block "ENCRYPTED SIGSTORE PRIVATE KEY" (or "ENCRYPTED
 * COSIGN PRIVATE KEY" from older cosign) is JSON
 *
 * <pre>{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"&lt;base64, 32 bytes&gt;"},
 *  "cipher":{"name":"nacl/secretbox","nonce":"&lt;base64, 24 bytes&gt;"},"ciphertext":"&lt;base64&gt;"}</pre>
 *
 * The box key is scrypt(passphrase as UTF-8, salt, N, r, p, 32 bytes); the ciphertext is a {@link SecretBox}
 * whose message is the PKCS#8 DER of the EC private key.
 */
final class CosignKeyEnvelope {

  static final String PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY";
  static final String OLD_PEM_TYPE = "ENCRYPTED COSIGN PRIVATE KEY";

  /** What Moat writes: scrypt with 64 MiB of memory, more than cosign's default N=32768. */
  static final int WRITE_N = 65536;
  static final int WRITE_R = 8;
  static final int WRITE_P = 1;

  /** Refuse files that would make scrypt take gigabytes or minutes. */
  static final int MAX_N = 1 << 20;
  static final int MAX_R = 32;
  static final int MAX_P = 16;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private CosignKeyEnvelope() {}

  /** The JSON body (UTF-8) that encrypts pkcs8 under passphrase. */
  static byte[] seal(byte[] pkcs8, char[] passphrase) {
    byte[] salt = new byte[32];
    byte[] nonce = new byte[SecretBox.NONCE_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    byte[] key = boxKey(passphrase, salt, WRITE_N, WRITE_R, WRITE_P);
    byte[] box = SecretBox.seal(key, nonce, pkcs8);
    Arrays.fill(key, (byte) 0);

    Base64.Encoder base64 = Base64.getEncoder();
    ObjectNode root = JSON.createObjectNode();
    ObjectNode kdf = root.putObject("kdf");
    kdf.put("name", "scrypt");
    kdf.putObject("params").put("N", WRITE_N).put("r", WRITE_R).put("p", WRITE_P);
    kdf.put("salt", base64.encodeToString(salt));
    root.putObject("cipher").put("name", "nacl/secretbox").put("nonce", base64.encodeToString(nonce));
    root.put("ciphertext", base64.encodeToString(box));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /** The PKCS#8 DER inside body; Failure.KEY for a wrong passphrase, Failure.INVALID_INPUT for a broken envelope. */
  static byte[] open(byte[] body, char[] passphrase, String what) throws MoatException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw broken(what, "its PEM body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw broken(what, "its PEM body is not a JSON object");
    }
    JsonNode kdf = root.path("kdf");
    JsonNode cipher = root.path("cipher");
    if (!"scrypt".equals(kdf.path("name").asText())) {
      throw broken(what, "its key derivation is \"" + kdf.path("name").asText() + "\", not scrypt");
    }
    if (!"nacl/secretbox".equals(cipher.path("name").asText())) {
      throw broken(what, "its cipher is \"" + cipher.path("name").asText() + "\", not nacl/secretbox");
    }
    JsonNode params = kdf.path("params");
    long n = params.path("N").asLong(-1);
    long r = params.path("r").asLong(-1);
    long p = params.path("p").asLong(-1);
    if (n < 2 || n > MAX_N || Long.bitCount(n) != 1 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
      throw broken(
          what,
          "its scrypt parameters N="
              + n
              + ", r="
              + r
              + ", p="
              + p
              + " are outside what Moat accepts (N a power of two up to 2^20, r up to "
              + MAX_R
              + ", p up to "
              + MAX_P
              + ")");
    }
    byte[] salt = base64(kdf.path("salt"), what, "kdf.salt");
    byte[] nonce = base64(cipher.path("nonce"), what, "cipher.nonce");
    byte[] box = base64(root.path("ciphertext"), what, "ciphertext");
    if (nonce.length != SecretBox.NONCE_BYTES) {
      throw broken(what, "its nonce has " + nonce.length + " bytes, not 24");
    }
    byte[] key = boxKey(passphrase, salt, (int) n, (int) r, (int) p);
    try {
      return SecretBox.open(key, nonce, box)
          .orElseThrow(
              () ->
                  new MoatException(
                      Failure.KEY,
                      "the passphrase for " + what + " is wrong",
                      "check MOAT_PASSPHRASE (or COSIGN_PASSWORD)"));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] boxKey(char[] passphrase, byte[] salt, int n, int r, int p) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    Arrays.fill(encoded.array(), (byte) 0);
    try {
      return SCrypt.generate(bytes, salt, n, r, p, SecretBox.KEY_BYTES);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static byte[] base64(JsonNode node, String what, String field) throws MoatException {
    if (!node.isTextual()) {
      throw broken(what, "it has no " + field);
    }
    try {
      return Base64.getDecoder().decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw broken(what, "its " + field + " is not base64");
    }
  }

  private static MoatException broken(String what, String why) {
    return new MoatException(
        Failure.INVALID_INPUT,
        what + " is not a valid cosign encrypted key: " + why,
        "regenerate it with `moat key generate` or `cosign generate-key-pair`");
  }
}
