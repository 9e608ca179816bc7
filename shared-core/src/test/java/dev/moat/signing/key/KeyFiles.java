package dev.moat.signing.key;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.AlgorithmParameterSpec;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/** Test fixtures: key files of other kinds than Moat writes. */
final class KeyFiles {

  private KeyFiles() {}

  static KeyPair pair(String algorithm, AlgorithmParameterSpec spec) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(spec);
    return generator.generateKeyPair();
  }

  static String pem(String type, byte[] content) throws IOException {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject(type, content));
    }
    return text.toString();
  }

  static Path write(Path file, String text) throws IOException {
    return Files.writeString(file, text);
  }
}
