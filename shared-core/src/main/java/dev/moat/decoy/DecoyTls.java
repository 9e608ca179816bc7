package dev.moat.decoy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * TLS in front of one HTTP decoy: a certificate generated in the shape a kubelet makes for itself
 * ({@link GeneratedCertificate}), or the operator's PEM files. Like a kubelet (which writes {@code kubelet.crt} and
 * {@code kubelet.key} to its certificate directory and reuses them), a generated certificate given state files is
 * made on the first start, kept (the key owner-only) and read on every start after, so it does not change with each
 * restart.
 *
 * @param host what a generated certificate is for ({@code worker-02}); null when the operator's files are given
 * @param certificate a PEM certificate chain, leaf first: the operator's, or a generated certificate's state file;
 *     null for a generated certificate made anew on every start
 * @param privateKey the leaf's unencrypted PEM key (the operator's, or the state file); null with {@code certificate}
 */
public record DecoyTls(String host, Path certificate, Path privateKey) {

  public DecoyTls {
    if ((certificate == null) != (privateKey == null) || host == null && certificate == null) {
      throw new IllegalArgumentException("TLS takes a host for a generated certificate, or a certificate and a key");
    }
  }

  /** A generated certificate kept in {@code directory} ({@code tls-<name>.crt}, {@code tls-<name>.key}); the operator's files stay. */
  public DecoyTls keptIn(Path directory, String decoyName) {
    return isGenerated() && certificate == null
        ? new DecoyTls(host, directory.resolve("tls-" + decoyName + ".crt"), directory.resolve("tls-" + decoyName + ".key"))
        : this;
  }

  /** A certificate made at start for {@code host}. */
  public static DecoyTls generated(String host) {
    return new DecoyTls(host, null, null);
  }

  /** The operator's PEM certificate chain and key. */
  public static DecoyTls files(Path certificate, Path privateKey) {
    return new DecoyTls(null, certificate, privateKey);
  }

  public boolean isGenerated() {
    return host != null;
  }

  /** The key and chain: the operator's files or the state files read (and checked), else generated now (and kept). */
  public TlsKeyMaterial keyMaterial(Instant now) throws IOException {
    if (!isGenerated()) {
      return TlsKeyMaterial.readPem(certificate, privateKey);
    }
    if (certificate != null && Files.isReadable(certificate) && Files.isReadable(privateKey)) {
      return TlsKeyMaterial.readPem(certificate, privateKey);
    }
    TlsKeyMaterial made = GeneratedCertificate.forHost(host, now);
    if (certificate != null) {
      OwnerOnlyFile.write(privateKey, made.keyPem());
      Files.write(certificate, made.chainPem());
    }
    return made;
  }

  /**
   * A server context on the JDK's TLS (1.3 and 1.2) that offers HTTP/1.1 by ALPN: the runtime speaks HTTP/1.1 only,
   * so it never agrees to h2.
   */
  static SslContext serverContext(TlsKeyMaterial material) throws IOException {
    return SslContextBuilder.forServer(material.key(), material.chainArray())
        .sslProvider(SslProvider.JDK)
        .protocols("TLSv1.3", "TLSv1.2")
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE, ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_1_1))
        .build();
  }
}
