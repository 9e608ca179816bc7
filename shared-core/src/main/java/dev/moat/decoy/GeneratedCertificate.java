package dev.moat.decoy;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a kubelet makes for itself when it is given none: the shape of Kubernetes'
 * {@code client-go/util/cert.GenerateSelfSignedCertKey(host)} — an RSA-2048 CA named {@code <host>-ca@<unix seconds>}
 * (serial 1) that signs an RSA-2048 leaf named {@code <host>@<unix seconds>} (serial 2, server auth, the host as DNS
 * name or IP address), both valid from an hour before now for a year. The chain is leaf first, then the CA, as
 * kubelet serves it.
 */
final class GeneratedCertificate {

  private static final Duration SKEW = Duration.ofHours(1);
  private static final Duration MAX_AGE = Duration.ofDays(365);

  private GeneratedCertificate() {}

  static TlsKeyMaterial forHost(String host, Instant now) {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair ca = rsa.generateKeyPair();
      KeyPair leaf = rsa.generateKeyPair();
      long seconds = now.getEpochSecond();
      Date from = Date.from(now.minus(SKEW));
      Date to = Date.from(now.minus(SKEW).plus(MAX_AGE));
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name caName = commonName(host + "-ca@" + seconds);
      X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, ca.getPublic())
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature | KeyUsage.keyCertSign))
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(ca.getPublic()));
      X509Certificate caCert = sign(caBuilder, ca);
      boolean ip = host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
      X509v3CertificateBuilder leafBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to, commonName(host + "@" + seconds),
          leaf.getPublic())
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host)));
      return new TlsKeyMaterial(leaf.getPrivate(), List.of(sign(leafBuilder, ca), caCert));
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot generate the decoy's TLS certificate: " + e.getMessage(), e);
    }
  }

  private static X500Name commonName(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate())));
  }
}
