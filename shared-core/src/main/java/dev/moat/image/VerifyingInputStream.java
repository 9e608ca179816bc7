package dev.moat.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob through while hashing it and, at its end, fails the read if the bytes do not match the
 * descriptor's digest and size. Whoever consumes a blob from a store it does not trust reads through this.
 */
public final class VerifyingInputStream extends FilterInputStream {

  private final Descriptor expected;
  private final String source;
  private final MessageDigest sha256 = Digest.newSha256();
  private long count;
  private boolean checked;

  public VerifyingInputStream(InputStream in, Descriptor expected, String source) {
    super(in);
    this.expected = expected;
    this.source = source;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b < 0) {
      check();
    } else {
      sha256.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n < 0) {
      check();
    } else {
      sha256.update(buffer, offset, n);
      count += n;
      if (count > expected.size()) {
        throw new IOException(source + ": blob " + expected.digest() + " is longer than its " + expected.size() + " bytes");
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("a verified blob cannot be skipped");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() throws IOException {
    if (checked) {
      return;
    }
    checked = true;
    Digest actual = Digest.ofHash(sha256.digest());
    if (count != expected.size() || !actual.equals(expected.digest())) {
      throw new IOException(
          source + ": blob " + expected.digest() + " has digest " + actual + " and " + count
              + " bytes; expected " + expected.size() + " bytes");
    }
  }
}
