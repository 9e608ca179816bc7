package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A P-256 key on a PKCS#11 token. The private key never leaves the token: Moat hashes the message with
 * SHA-256, the token signs the digest with CKM_ECDSA, and Moat DER-encodes the raw (r, s) the token returns.
 * The public key comes from the token's public key object with the same label or id.
 */
final class Pkcs11SigningKey implements SigningKey {

  private final Pkcs11Module module;
  private final long session;
  private final long privateKey;
  private final PublicKey publicKey;
  private final String description;

  private Pkcs11SigningKey(Pkcs11Module module, long session, long privateKey, PublicKey publicKey, String description) {
    this.module = module;
    this.session = session;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.description = description;
  }

  /** Opens a session on the token, logs in and finds the key pair the URI names. */
  static Pkcs11SigningKey open(Pkcs11Uri uri, PassphraseSource pins) throws MoatException {
    String name = uri.description();
    if (!Files.isRegularFile(Path.of(uri.modulePath()))) {
      throw new MoatException(
          Failure.KEY,
          "PKCS#11 module " + uri.modulePath() + " does not exist",
          "install it or fix module-path (or " + Pkcs11Uri.MODULE_VARIABLE + ")");
    }
    Pkcs11Module module = Pkcs11Module.load(uri.modulePath());
    long slot = slot(module, uri);
    try {
      long session = module.openSession(slot);
      char[] pin = pin(uri, pins, name);
      if (pin == null) {
        throw new MoatException(
            Failure.KEY,
            "no PIN given for " + name,
            "add pin-source=<file> to the URI or set MOAT_PASSPHRASE");
      }
      try {
        module.login(session, pin);
      } catch (Pkcs11Module.CallFailed e) {
        throw loginFailure(e, uri);
      } finally {
        Arrays.fill(pin, '\0');
      }
      long privateKey = one(module.find(session, template(uri, Pkcs11Module.CKO_PRIVATE_KEY)), name, "private key");
      if (module.number(session, privateKey, Pkcs11Module.CKA_KEY_TYPE) != Pkcs11Module.CKK_EC) {
        throw new MoatException(
            Failure.KEY, name + " is not an EC key; " + EcKeyConverter.SIGNING_KEYS, "");
      }
      long publicObject = one(module.find(session, template(uri, Pkcs11Module.CKO_PUBLIC_KEY)), name, "public key");
      PublicKey publicKey = publicKey(module, session, publicObject, name);
      return new Pkcs11SigningKey(module, session, privateKey, publicKey, name);
    } catch (Pkcs11Module.CallFailed e) {
      throw new MoatException(Failure.KEY, "PKCS#11 token of " + name + " failed: " + e.getMessage(), "");
    }
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) throws MoatException {
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] raw;
    synchronized (this) { // a PKCS#11 session runs one operation at a time
      try {
        raw = module.signEcdsa(session, privateKey, digest);
      } catch (Pkcs11Module.CallFailed e) {
        throw new MoatException(Failure.KEY, "the token refused to sign with " + description + ": " + e.getMessage(), "");
      }
    }
    if (raw.length != 64) {
      throw new MoatException(
          Failure.KEY, "the token returned a " + raw.length + "-byte signature for " + description + ", not 64", "");
    }
    try {
      return new DERSequence(
              new ASN1Integer[] {
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, 32))),
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)))
              })
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding in memory does not fail", e);
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "SigningKey[" + description + "]";
  }

  private static long slot(Pkcs11Module module, Pkcs11Uri uri) throws MoatException {
    if (uri.slotId() != null) {
      return uri.slotId();
    }
    try {
      long[] slots = module.slotsWithTokens();
      if (uri.token() == null) {
        if (slots.length == 1) {
          return slots[0];
        }
        throw new MoatException(
            Failure.KEY,
            "PKCS#11 module " + uri.modulePath() + " has " + slots.length + " tokens and " + uri.description() + " names none",
            "add token=<label> to the URI");
      }
      for (long slot : slots) {
        if (uri.token().equals(module.tokenLabel(slot))) {
          return slot;
        }
      }
    } catch (Pkcs11Module.CallFailed e) {
      throw new MoatException(
          Failure.KEY, "cannot list the tokens of PKCS#11 module " + uri.modulePath() + ": " + e.getMessage(), "");
    }
    throw new MoatException(
        Failure.KEY,
        "no PKCS#11 token labelled " + uri.token() + " in module " + uri.modulePath(),
        "check the token label (pkcs11-tool --module " + uri.modulePath() + " --list-token-slots)");
  }

  private static char[] pin(Pkcs11Uri uri, PassphraseSource pins, String name) throws MoatException {
    if (uri.pinValue() != null) {
      return uri.pinValue().toCharArray();
    }
    if (uri.pinSource() != null) {
      try {
        String text = Files.readString(Path.of(uri.pinSource()), StandardCharsets.UTF_8);
        return text.strip().toCharArray();
      } catch (IOException | RuntimeException e) {
        throw new MoatException(
            Failure.KEY, "cannot read the PIN file " + uri.pinSource() + " named by " + name, "");
      }
    }
    return pins.passphrase(name);
  }

  private static MoatException loginFailure(Pkcs11Module.CallFailed e, Pkcs11Uri uri) {
    String token = uri.token() != null ? "token " + uri.token() : uri.description();
    if (e.code == Pkcs11Module.CKR_PIN_INCORRECT || e.code == Pkcs11Module.CKR_PIN_INVALID
        || e.code == Pkcs11Module.CKR_PIN_LEN_RANGE) {
      return new MoatException(Failure.KEY, "the PIN for " + token + " is wrong", "tokens lock after a few wrong PINs");
    }
    if (e.code == Pkcs11Module.CKR_PIN_LOCKED) {
      return new MoatException(Failure.KEY, "the PIN for " + token + " is locked", "unlock it with the SO PIN");
    }
    if (e.code == Pkcs11Module.CKR_PIN_EXPIRED) {
      return new MoatException(Failure.KEY, "the PIN for " + token + " has expired", "set a new PIN");
    }
    return new MoatException(Failure.KEY, "cannot log in to " + token + ": " + e.getMessage(), "");
  }

  private static Map<Long, Object> template(Pkcs11Uri uri, long objectClass) {
    Map<Long, Object> template = new LinkedHashMap<>();
    template.put(Pkcs11Module.CKA_CLASS, objectClass);
    if (uri.object() != null) {
      template.put(Pkcs11Module.CKA_LABEL, uri.object().getBytes(StandardCharsets.UTF_8));
    }
    if (uri.id() != null) {
      template.put(Pkcs11Module.CKA_ID, uri.id());
    }
    return template;
  }

  private static long one(long[] handles, String name, String what) throws MoatException {
    if (handles.length == 0) {
      throw new MoatException(
          Failure.KEY,
          "no " + what + " object matches " + name,
          "check object= and id= (pkcs11-tool --list-objects --login)");
    }
    if (handles.length > 1) {
      throw new MoatException(
          Failure.KEY, handles.length + " " + what + " objects match " + name, "add id= to the URI to pick one");
    }
    return handles[0];
  }

  private static PublicKey publicKey(Pkcs11Module module, long session, long object, String name)
      throws Pkcs11Module.CallFailed, MoatException {
    byte[] params = module.bytes(session, object, Pkcs11Module.CKA_EC_PARAMS);
    byte[] point = module.bytes(session, object, Pkcs11Module.CKA_EC_POINT);
    ASN1ObjectIdentifier curve;
    byte[] encodedPoint;
    try {
      if (!(ASN1Primitive.fromByteArray(params) instanceof ASN1ObjectIdentifier named)) {
        throw new MoatException(Failure.KEY, name + " is an EC key without a named curve; " + EcKeyConverter.SIGNING_KEYS, "");
      }
      curve = named;
      // PKCS#11 says CKA_EC_POINT is a DER OCTET STRING (67 bytes for P-256); some tokens return the
      // bare uncompressed point (65 bytes)
      encodedPoint = point.length == 65 ? point : ASN1OctetString.getInstance(point).getOctets();
    } catch (IOException | RuntimeException e) {
      throw new MoatException(Failure.KEY, "the token's public key for " + name + " is malformed", "");
    }
    if (!X9ObjectIdentifiers.prime256v1.equals(curve)) {
      throw new MoatException(
          Failure.KEY, name + " is an EC " + EcKeyConverter.curveName(curve) + " key; " + EcKeyConverter.SIGNING_KEYS, "");
    }
    SubjectPublicKeyInfo info =
        new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), encodedPoint);
    return EcKeyConverter.verifyingKey(info, name);
  }
}
