package dev.moat.decoy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Where an SSH decoy's host key comes from. A host key that changes between restarts tells a returning attacker
 * (whose {@code known_hosts} now warns) that the host was rebuilt — a honeypot tell — so {@code moat decoy serve}
 * keeps one per decoy in a state file, generated on the first start (ECDSA P-256, OpenSSH format, created owner-only
 * before a byte is written) and read on every start after. The key is never logged.
 *
 * @param file the key file; null keeps a fresh key in memory (a new one on every start)
 * @param generate true for a state file (generated when missing); false for the operator's key file, which must exist
 */
public record SshHostKey(Path file, boolean generate) {

  /** A fresh key on every start: only for tests and embedded use without a state directory. */
  public static final SshHostKey IN_MEMORY = new SshHostKey(null, false);

  /** A state file: generated on the first start, owner-only, read after. */
  public static SshHostKey stateFile(Path file) {
    return new SshHostKey(file, true);
  }

  /** The operator's own key (OpenSSH or PEM private key, unencrypted), which must exist. */
  public static SshHostKey operatorFile(Path file) {
    return new SshHostKey(file, false);
  }

  public boolean inMemory() {
    return file == null;
  }

  /** What MINA serves: the key read, or generated (and for a state file stored first). */
  KeyPairProvider provider() throws IOException {
    if (file == null) {
      return KeyPairProvider.wrap(generateKey());
    }
    if (generate && !Files.exists(file)) {
      KeyPair created = generateKey();
      store(created);
      return KeyPairProvider.wrap(created);
    }
    return KeyPairProvider.wrap(read(file));
  }

  /**
   * Reads an unencrypted host key file (OpenSSH {@code BEGIN OPENSSH PRIVATE KEY}, or PEM).
   *
   * @throws IOException naming the file, never quoting it
   */
  static KeyPair read(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    Iterable<KeyPair> pairs;
    try (InputStream in = new java.io.ByteArrayInputStream(content)) {
      pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.getFileName().toString()), in, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // the parser's message may quote the file: name only the file
      throw new IOException(file + " is not an unencrypted OpenSSH or PEM private key");
    }
    Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
    if (it == null || !it.hasNext()) {
      throw new IOException(file + " holds no unencrypted OpenSSH or PEM private key");
    }
    return it.next();
  }

  private static KeyPair generateKey() throws IOException {
    try {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      return ec.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an SSH host key: " + e.getMessage(), e);
    }
  }

  /** Writes the key (OpenSSH format) to a file that is owner-only from its creation. */
  private void store(KeyPair key) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "", null, out);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write the SSH host key: " + e.getMessage(), e);
    }
    OwnerOnlyFile.write(file, out.toByteArray());
  }
}
