package dev.moat.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Json;
import dev.moat.signing.key.PublicKeys;
import dev.moat.signing.key.SigningKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A DSSE envelope (secure-systems-lab/dsse {@code envelope.md}): a payload, its type and signatures over
 * the pre-authentication encoding of both. Its JSON is the same whether it stands alone (a layer of
 * cosign's {@code .att} manifest) or sits in a Sigstore bundle as {@code dsseEnvelope}.
 *
 * @param payloadType how to read the payload; {@link Dsse#IN_TOTO_PAYLOAD_TYPE} for attestations
 * @param payload the signed bytes, exactly
 * @param signatures one per signer
 */
public record DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {

  /** The media type of a stand-alone envelope (cosign's attestation layers). */
  public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";

  public DsseEnvelope {
    signatures = List.copyOf(signatures);
  }

  /** One signature; {@code keyid} is optional in DSSE and empty when Moat writes it. */
  public record Signature(String keyid, byte[] sig) {}

  /** Signs {@code payload} with {@code key}. */
  public static DsseEnvelope sign(String payloadType, byte[] payload, SigningKey key) throws MoatException {
    byte[] sig = key.sign(Dsse.preAuthenticationEncoding(payloadType, payload));
    return new DsseEnvelope(payloadType, payload, List.of(new Signature("", sig)));
  }

  /** What the signatures are over. */
  public byte[] preAuthenticationEncoding() {
    return Dsse.preAuthenticationEncoding(payloadType, payload);
  }

  /** Whether one of the signatures verifies with {@code key}. */
  public boolean isSignedBy(PublicKey key) {
    byte[] pae = preAuthenticationEncoding();
    return signatures.stream().anyMatch(s -> s.sig().length > 0 && PublicKeys.verify(key, pae, s.sig()));
  }

  /** {@code payload}, {@code payloadType}, {@code signatures[{sig, keyid}]}, as cosign and sigstore-js write them. */
  public ObjectNode toJson() {
    ObjectNode envelope = Json.MAPPER.createObjectNode();
    envelope.put("payload", Base64.getEncoder().encodeToString(payload));
    envelope.put("payloadType", payloadType);
    ArrayNode array = envelope.putArray("signatures");
    for (Signature s : signatures) {
      array.addObject().put("sig", Base64.getEncoder().encodeToString(s.sig())).put("keyid", s.keyid() == null ? "" : s.keyid());
    }
    return envelope;
  }

  public byte[] toBytes() {
    return Json.bytes(toJson());
  }

  public static DsseEnvelope parse(byte[] bytes, String source) throws MoatException {
    return parse(Json.tree(bytes, source), source);
  }

  /** Reads an envelope; base64 that does not decode, or a missing payload, is a {@code PROTOCOL} failure. */
  public static DsseEnvelope parse(JsonNode json, String source) throws MoatException {
    if (json == null || !json.isObject() || !json.path("payload").isTextual()) {
      throw new MoatException(Failure.PROTOCOL, source + " is not a DSSE envelope (no payload)", "");
    }
    try {
      byte[] payload = Base64.getDecoder().decode(json.path("payload").asText());
      List<Signature> signatures = new ArrayList<>();
      for (JsonNode s : json.path("signatures")) {
        signatures.add(new Signature(s.path("keyid").asText(""), Base64.getDecoder().decode(s.path("sig").asText(""))));
      }
      return new DsseEnvelope(json.path("payloadType").asText(""), payload, signatures);
    } catch (IllegalArgumentException e) {
      throw new MoatException(Failure.PROTOCOL, source + " is not a DSSE envelope (" + e.getMessage() + ")", "");
    }
  }
}
