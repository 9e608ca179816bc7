package dev.moat.signing.key;

import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Map;

/**
 * Child-JVM half of {@link Pkcs11SoftHsmTest}: SoftHSM reads SOFTHSM2_CONF from the process environment, which
 * a running JVM cannot change, so the test starts this with its own environment. Prints one line per check.
 */
public final class Pkcs11Probe {

  private Pkcs11Probe() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      String check = arg.substring(0, equals);
      String uri = arg.substring(equals + 1);
      try {
        if (check.equals("sign")) {
          SigningKey key = KeyLoader.loadSigningKey(uri, PassphraseSource.fromEnvironment(env), env);
          byte[] message = "signed on a token".getBytes(StandardCharsets.UTF_8);
          byte[] signature = key.sign(message);
          PublicKey publicKey = KeyLoader.loadPublicKey(uri, PassphraseSource.fromEnvironment(env), env);
          System.out.println("sign: verified=" + PublicKeys.verify(publicKey, message, signature)
              + " same-key=" + PublicKeys.fingerprint(publicKey).equals(PublicKeys.fingerprint(key.publicKey()))
              + " description=" + key.description()
              + " fingerprint=" + PublicKeys.fingerprint(publicKey));
        } else {
          KeyLoader.loadSigningKey(uri, PassphraseSource.fromEnvironment(env), env);
          System.out.println(check + ": loaded");
        }
      } catch (MoatException e) {
        System.out.println(check + ": " + e.failure() + " " + e.oneLine());
      } catch (RuntimeException e) {
        System.out.println(check + ": crashed " + e);
      }
    }
  }
}
