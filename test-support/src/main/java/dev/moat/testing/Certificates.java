package dev.moat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test CA and a server certificate for an IP address, made with the openssl command. */
public final class Certificates {

  private Certificates() {}

  /** Writes ca.crt, server.crt and server.key into {@code dir}; returns a copy of ca.crt alone in {@code dir/ca} (what skopeo's --cert-dir wants). */
  public static Path makeServerCertificate(Path dir, String ip) throws IOException, InterruptedException {
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=Moat Test CA", "-keyout", "ca.key", "-out", "ca.crt",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=" + ip, "-keyout", "server.key", "-out", "server.csr");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:" + ip + "\nextendedKeyUsage=serverAuth\n");
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", "server.crt", "-extfile", "server.ext");
    Path caDir = Files.createDirectories(dir.resolve("ca"));
    return Files.copy(dir.resolve("ca.crt"), caDir.resolve("ca.crt"));
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + new String(out));
    }
  }

  /** An SSL context trusting only {@code ca} (or the JDK default when null). */
  public static SSLContext trusting(Path ca) throws IOException {
    try {
      if (ca == null) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(ca)) {
        store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
