package dev.moat.signing.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

  // The secretbox vector of NaCl's tests (tests/secretbox.c), as libsodium, PyNaCl and tweetnacl use it.
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] KEY = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
  private static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
  private static final byte[] MESSAGE =
      HEX.parseHex(
          "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
              + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
              + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
              + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
              + "5e0705");
  private static final byte[] BOX =
      HEX.parseHex(
          "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
              + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
              + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
              + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
              + "7973f622a43d14a6599b1f654cb45a74e355a5");

  @Test
  void sealMatchesTheNaclTestVector() {
    assertThat(SecretBox.seal(KEY, NONCE, MESSAGE)).isEqualTo(BOX);
  }

  @Test
  void openRecoversTheNaclTestVectorMessage() {
    assertThat(SecretBox.open(KEY, NONCE, BOX)).hasValueSatisfying(m -> assertThat(m).isEqualTo(MESSAGE));
  }

  @Test
  void openRefusesATamperedCiphertext() {
    byte[] tampered = BOX.clone();
    tampered[40] ^= 1;
    assertThat(SecretBox.open(KEY, NONCE, tampered)).isEmpty();
  }

  @Test
  void openRefusesAWrongKey() {
    byte[] key = KEY.clone();
    key[0] ^= 1;
    assertThat(SecretBox.open(key, NONCE, BOX)).isEmpty();
  }

  @Test
  void openRefusesABoxShorterThanTheMac() {
    assertThat(SecretBox.open(KEY, NONCE, new byte[15])).isEmpty();
  }
}
