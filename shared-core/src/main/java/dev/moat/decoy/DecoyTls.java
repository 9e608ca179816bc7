package dev.moat.decoy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * TLS in front of one HTTP decoy: a certificate generated at start in the shape a kubelet makes for itself
 * ({@link GeneratedCertificate}), or the operator's PEM files.
 *
 * @param host what a generated certificate is for ({@code worker-02}); null when files are given
 * @param certificate a PEM certificate chain, leaf first; null for a generated certificate
 * @param privateKey the leaf's unencrypted PEM private key; null for a generated certificate
 */
public record DecoyTls(String host, Path certificate, Path privateKey) {

  public DecoyTls {
    if ((certificate == null) != (privateKey == null) || (certificate == null) == (host == null)) {
      throw new IllegalArgumentException("TLS takes a host for a generated certificate, or a certificate and a key");
    }
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

  /** The key and chain: generated now, or read (and checked) from the files. */
  public TlsKeyMaterial keyMaterial(Instant now) {
    return isGenerated() ? GeneratedCertificate.forHost(host, now) : TlsKeyMaterial.readPem(certificate, privateKey);
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
