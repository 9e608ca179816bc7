package dev.moat.decoy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A TLS server's key and certificate chain (leaf first). {@link #toString()} never shows the key.
 *
 * @param key the private key of the leaf certificate
 * @param chain the leaf certificate, then the certificates that issued it
 */
public record TlsKeyMaterial(PrivateKey key, List<X509Certificate> chain) {

  public TlsKeyMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
  }

  /**
   * Reads a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) and checks that
   * the key belongs to the first certificate.
   *
   * @throws IllegalArgumentException saying what is wrong with which file (missing, unreadable, not PEM, not matching;
   *     never quoting the key)
   */
  public static TlsKeyMaterial readPem(Path certificate, Path privateKey) {
    List<X509Certificate> chain = readChain(certificate);
    PrivateKey key = readKey(privateKey);
    if (!matches(key, chain.get(0))) {
      throw new IllegalArgumentException(privateKey + " is not the key of the first certificate in " + certificate);
    }
    return new TlsKeyMaterial(key, chain);
  }

  /** The certificates of a PEM file, in order; at least one. */
  static List<X509Certificate> readChain(Path certificate) {
    List<X509Certificate> chain = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(certificate, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
      Object o;
      while ((o = pem.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
    } catch (CertificateException | RuntimeException | IOException e) {
      throw new IllegalArgumentException(certificate + " is not a PEM certificate");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(certificate + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  /** The unencrypted private key of a PEM file. */
  static PrivateKey readKey(Path privateKey) {
    Object o;
    try (Reader r = Files.newBufferedReader(privateKey, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
      o = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (RuntimeException | IOException e) {
      // the parser's message may quote the file: name only the file
      throw new IllegalArgumentException(privateKey + " is not a readable PEM private key");
    }
    throw new IllegalArgumentException(privateKey + " holds no unencrypted PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
  }

  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    try {
      // by the key's type, not its algorithm name: a provider such as BouncyCastle names EC keys "ECDSA"
      String algorithm = key instanceof java.security.interfaces.ECKey ? "SHA256withECDSA"
          : key instanceof java.security.interfaces.RSAKey ? "SHA256withRSA" : key.getAlgorithm();
      java.security.Signature signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      byte[] probe = "moat".getBytes(StandardCharsets.US_ASCII);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** The chain as PEM, leaf first. */
  byte[] chainPem() throws IOException {
    return pem(chain.toArray());
  }

  /** The key as PEM (PKCS#1 for RSA, as Kubernetes' keyutil writes a kubelet's key). */
  byte[] keyPem() throws IOException {
    return pem(key);
  }

  private static byte[] pem(Object... objects) throws IOException {
    java.io.StringWriter text = new java.io.StringWriter();
    try (org.bouncycastle.openssl.jcajce.JcaPEMWriter writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  public X509Certificate[] chainArray() {
    return chain.toArray(X509Certificate[]::new);
  }

  @Override
  public String toString() {
    return "TlsKeyMaterial[" + chain.get(0).getSubjectX500Principal().getName() + ", " + chain.size() + " certificate(s), "
        + key.getAlgorithm() + " key not shown]";
  }
}
