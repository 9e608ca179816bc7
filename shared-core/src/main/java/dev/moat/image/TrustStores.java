package dev.moat.image;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds the TLS context for registries: the JDK's trusted authorities plus the user's extra CA files. */
final class TrustStores {

  private TrustStores() {}

  static SSLContext sslContext(List<Path> caFiles) throws MoatException {
    try {
      if (caFiles.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int n = 0;
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path file : caFiles) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
          certs = factory.generateCertificates(in);
        } catch (IOException e) {
          throw new MoatException(Failure.INVALID_INPUT, "cannot read CA file " + file + ": " + e.getMessage(), "give a readable PEM file");
        } catch (CertificateException e) {
          throw new MoatException(Failure.INVALID_INPUT, "CA file " + file + " holds no PEM certificate", "give a PEM file of CA certificates");
        }
        if (certs.isEmpty()) {
          throw new MoatException(Failure.INVALID_INPUT, "CA file " + file + " holds no PEM certificate", "give a PEM file of CA certificates");
        }
        for (Certificate cert : certs) {
          extra.setCertificateEntry("moat-ca-" + n++, cert);
        }
      }
      X509TrustManager system = x509(null);
      X509TrustManager custom = x509(extra);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new EitherTrustManager(system, custom)}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new MoatException(Failure.INTERNAL, "cannot set up TLS: " + e.getMessage(), "", e);
    }
  }

  private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }

  /** Trusts a server when either the system or the user's authorities do. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      first.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(new X509Certificate[0]);
    }
  }
}
