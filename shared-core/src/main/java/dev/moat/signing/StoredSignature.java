package dev.moat.signing;

import dev.moat.image.Digest;
import java.util.Map;

/**
 * One signature as found next to an image, before it is checked.
 *
 * @param layout where it was found
 * @param location for messages: the tag or referrer manifest it came from
 * @param signedBytes the exact bytes the signature is over (the payload, or the DSSE pre-authentication encoding)
 * @param signature the DER signature
 * @param claimedDigest the image digest the signed content names
 * @param keyHint the key id stored beside the signature (unsigned), or null
 * @param annotations the annotations inside the signed content
 */
public record StoredSignature(
    SignatureLayout layout,
    String location,
    byte[] signedBytes,
    byte[] signature,
    Digest claimedDigest,
    String keyHint,
    Map<String, String> annotations) {}
