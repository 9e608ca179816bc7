package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Turns parsed key structures into JDK keys, after checking that they are keys Moat can use: ECDSA P-256 for
 * signing; P-256, P-384 or P-521 for verifying. The checks read the ASN.1 first, so that an RSA key or a key on
 * an unusual curve gets a message that says so instead of a provider's exception.
 */
final class EcKeyConverter {

  static final String SIGNING_KEYS = "Moat signs with ECDSA P-256 keys";
  static final String VERIFYING_KEYS = "Moat verifies with ECDSA P-256, P-384 or P-521 keys";

  private static final Map<ASN1ObjectIdentifier, String> NIST_CURVES =
      Map.of(
          X9ObjectIdentifiers.prime256v1, "P-256",
          SECObjectIdentifiers.secp384r1, "P-384",
          SECObjectIdentifiers.secp521r1, "P-521");
  private static final Set<ASN1ObjectIdentifier> VERIFYING_CURVES = NIST_CURVES.keySet();

  private EcKeyConverter() {}

  /** The JDK private key of a P-256 key, or a Failure.KEY that names what the key is instead. */
  static PrivateKey signingKey(PrivateKeyInfo info, String what) throws MoatException {
    ASN1ObjectIdentifier curve = curve(info.getPrivateKeyAlgorithm(), what, SIGNING_KEYS);
    if (!X9ObjectIdentifiers.prime256v1.equals(curve)) {
      throw wrongKind(what, "an EC " + curveName(curve) + " key", SIGNING_KEYS);
    }
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new MoatException(Failure.KEY, what + " holds a malformed EC private key", "", e);
    }
  }

  /** The public half of an EC private key, computed from the private scalar (files need not carry it). */
  static SubjectPublicKeyInfo publicHalf(PrivateKeyInfo info, String what, String accepted)
      throws MoatException {
    ASN1ObjectIdentifier curve = curve(info.getPrivateKeyAlgorithm(), what, accepted);
    try {
      X9ECParameters parameters = ECNamedCurveTable.getByOID(curve);
      ECPrivateKey sec1 = ECPrivateKey.getInstance(info.parsePrivateKey());
      ECPoint q = new FixedPointCombMultiplier().multiply(parameters.getG(), sec1.getKey()).normalize();
      return new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), q.getEncoded(false));
    } catch (IOException | RuntimeException e) {
      throw new MoatException(Failure.KEY, what + " holds a malformed EC private key", "", e);
    }
  }

  /** The JDK public key of an EC key on P-256, P-384 or P-521. */
  static PublicKey verifyingKey(SubjectPublicKeyInfo info, String what) throws MoatException {
    ASN1ObjectIdentifier curve = curve(info.getAlgorithm(), what, VERIFYING_KEYS);
    if (!VERIFYING_CURVES.contains(curve)) {
      throw wrongKind(what, "an EC " + curveName(curve) + " key", VERIFYING_KEYS);
    }
    try {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new MoatException(Failure.KEY, what + " holds a malformed EC public key", "", e);
    }
  }

  private static ASN1ObjectIdentifier curve(AlgorithmIdentifier algorithm, String what, String accepted)
      throws MoatException {
    ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
      throw wrongKind(what, kind(oid), accepted);
    }
    if (!(algorithm.getParameters() instanceof ASN1ObjectIdentifier curve)) {
      throw wrongKind(what, "an EC key with explicit curve parameters", accepted);
    }
    return curve;
  }

  private static String kind(ASN1ObjectIdentifier algorithm) {
    if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)
        || PKCSObjectIdentifiers.id_RSASSA_PSS.equals(algorithm)) {
      return "an RSA key";
    }
    if (EdECObjectIdentifiers.id_Ed25519.equals(algorithm)) {
      return "an Ed25519 key";
    }
    if (EdECObjectIdentifiers.id_Ed448.equals(algorithm)) {
      return "an Ed448 key";
    }
    if (X9ObjectIdentifiers.id_dsa.equals(algorithm)) {
      return "a DSA key";
    }
    return "a key of algorithm " + algorithm.getId();
  }

  static String curveName(ASN1ObjectIdentifier curve) {
    String nist = NIST_CURVES.get(curve);
    if (nist != null) {
      return nist;
    }
    String name = ECNamedCurveTable.getName(curve);
    return name == null ? curve.getId() : name;
  }

  private static MoatException wrongKind(String what, String kind, String accepted) {
    return new MoatException(Failure.KEY, what + " is " + kind + "; " + accepted, "");
  }
}
