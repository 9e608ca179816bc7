package dev.moat.signing.key;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code crypto_secretbox} (XSalsa20-Poly1305), the cipher of cosign's encrypted key format, built from
 * BouncyCastle's XSalsa20 and Poly1305 because neither the JDK nor BouncyCastle offer secretbox itself.
 *
 * <p>The construction: run XSalsa20 with the 32-byte key and the 24-byte nonce; the first 32 bytes of the
 * keystream are the one-time Poly1305 key; the rest of the keystream (from byte 32 on) encrypts the message.
 * The box is the 16-byte Poly1305 MAC over the ciphertext followed by the ciphertext (libsodium's "easy"
 * layout, what Go's {@code golang.org/x/crypto/nacl/secretbox} and tweetnacl produce). Opening checks the MAC in
 * constant time before decrypting anything.
 */
final class SecretBox {

  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  static final int MAC_BYTES = 16;

  private SecretBox() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
    byte[] oneTimeKey = new byte[KEY_BYTES];
    XSalsa20Engine stream = stream(key, nonce, oneTimeKey);
    byte[] box = new byte[MAC_BYTES + message.length];
    stream.processBytes(message, 0, message.length, box, MAC_BYTES);
    byte[] mac = mac(oneTimeKey, box, MAC_BYTES, message.length);
    System.arraycopy(mac, 0, box, 0, MAC_BYTES);
    Arrays.fill(oneTimeKey, (byte) 0);
    return box;
  }

  /** The message, or empty when the box does not authenticate under this key and nonce. */
  static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box) {
    if (box.length < MAC_BYTES) {
      return Optional.empty();
    }
    byte[] oneTimeKey = new byte[KEY_BYTES];
    XSalsa20Engine stream = stream(key, nonce, oneTimeKey);
    int length = box.length - MAC_BYTES;
    byte[] expected = mac(oneTimeKey, box, MAC_BYTES, length);
    Arrays.fill(oneTimeKey, (byte) 0);
    if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, MAC_BYTES))) {
      return Optional.empty();
    }
    byte[] message = new byte[length];
    stream.processBytes(box, MAC_BYTES, length, message, 0);
    return Optional.of(message);
  }

  /** An XSalsa20 stream positioned after the Poly1305 key, which it writes into oneTimeKey. */
  private static XSalsa20Engine stream(byte[] key, byte[] nonce, byte[] oneTimeKey) {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("secretbox takes a 32-byte key and a 24-byte nonce");
    }
    XSalsa20Engine engine = new XSalsa20Engine();
    engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    engine.processBytes(new byte[KEY_BYTES], 0, KEY_BYTES, oneTimeKey, 0);
    return engine;
  }

  private static byte[] mac(byte[] oneTimeKey, byte[] data, int offset, int length) {
    Poly1305 poly = new Poly1305();
    poly.init(new KeyParameter(oneTimeKey));
    poly.update(data, offset, length);
    byte[] mac = new byte[MAC_BYTES];
    poly.doFinal(mac, 0);
    return mac;
  }
}
