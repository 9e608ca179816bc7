#!/bin/sh
# Verifies cosign legacy-layout attestations as ATTESTATION_SPEC.md and `cosign attest` lay them out, with
# curl, openssl and jq: the manifest under the tag sha256-<hex>.att; for each layer of media type
# application/vnd.dsse.envelope.v1+json whose predicateType annotation is the one asked for, the DSSE
# envelope blob (checked against its digest); its pre-authentication encoding
# "DSSEv1 LEN(type) type LEN(payload) payload" built byte for byte and each signature verified over it
# with `openssl dgst -sha256 -verify PUBLIC_KEY.pem`; and the payload must be an in-toto Statement v1 of
# that predicate type whose subject sha256 is the image digest.
#
#   legacy-verify-attestation.sh REGISTRY REPOSITORY sha256:HEX PUBLIC_KEY.pem PREDICATE_TYPE [PREDICATE_OUT.json]
#
# Prints one line per layer; writes the predicate of the last verified statement to PREDICATE_OUT.json.
# Exit codes: 0 a layer verifies and names the digest; 1 no layer's signature verifies with the key; 2 a
# signature verifies but its statement names another digest or type; 4 no attestation tag; 3 anything else.
set -eu
. "$(dirname "$0")/oci.sh"
[ $# -eq 5 ] || [ $# -eq 6 ] || die "usage: legacy-verify-attestation.sh REGISTRY REPOSITORY sha256:HEX PUBLIC_KEY.pem PREDICATE_TYPE [OUT]"
registry=$1 repo=$2 digest=$3 pub=$4 predicate_type=$5 out=${6:-}
envelope_type='application/vnd.dsse.envelope.v1+json'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tag="$(echo "$digest" | tr : -).att"
status=$(get_manifest "$registry" "$repo" "$tag" "$tmp/manifest.json")
[ "$status" = 200 ] || { echo "no attestation tag $tag ($status)" >&2; exit 4; }

result=1
count=$(jq '.layers | length' "$tmp/manifest.json")
i=0
while [ "$i" -lt "$count" ]; do
  jq -c ".layers[$i]" "$tmp/manifest.json" > "$tmp/layer.json"
  i=$((i + 1))
  [ "$(jq -r .mediaType "$tmp/layer.json")" = "$envelope_type" ] || { echo "layer $i: not a DSSE envelope"; continue; }
  [ "$(jq -r '.annotations.predicateType // empty' "$tmp/layer.json")" = "$predicate_type" ] || { echo "layer $i: another predicate type"; continue; }
  get_blob "$registry" "$repo" "$(jq -r .digest "$tmp/layer.json")" "$tmp/envelope.json" || die "layer $i: cannot fetch envelope"
  jq -j .payloadType "$tmp/envelope.json" > "$tmp/type"
  jq -j .payload "$tmp/envelope.json" | openssl base64 -d -A > "$tmp/payload" || { echo "layer $i: payload is not base64"; continue; }
  { printf 'DSSEv1 %s ' "$(file_size "$tmp/type")"; cat "$tmp/type"; printf ' %s ' "$(file_size "$tmp/payload")"; cat "$tmp/payload"; } > "$tmp/pae"
  verified=no
  signatures=$(jq '.signatures | length' "$tmp/envelope.json")
  s=0
  while [ "$s" -lt "$signatures" ]; do
    jq -j ".signatures[$s].sig" "$tmp/envelope.json" | openssl base64 -d -A > "$tmp/signature.der" 2>/dev/null || true
    s=$((s + 1))
    if openssl dgst -sha256 -verify "$pub" -signature "$tmp/signature.der" "$tmp/pae" > "$tmp/openssl.out" 2>&1; then
      verified=yes
    fi
  done
  if [ "$verified" = no ]; then
    echo "layer $i: openssl: $(head -n1 "$tmp/openssl.out")"
    continue
  fi
  type=$(jq -r '._type // empty' "$tmp/payload")
  predicate=$(jq -r '.predicateType // empty' "$tmp/payload")
  named=$(jq -r --arg hex "${digest#sha256:}" '[.subject[]?.digest.sha256 | select(. == $hex)] | length' "$tmp/payload")
  if [ "$type" = "https://in-toto.io/Statement/v1" ] && [ "$predicate" = "$predicate_type" ] && [ "$named" -gt 0 ]; then
    echo "layer $i: openssl: Verified OK; statement names $digest"
    [ -z "$out" ] || jq .predicate "$tmp/payload" > "$out"
    result=0
  else
    echo "layer $i: openssl: Verified OK; but the statement ($type, $predicate) names $(jq -r '[.subject[]?.digest.sha256] | join(",")' "$tmp/payload"), not $digest"
    [ "$result" = 0 ] || result=2
  fi
done
exit "$result"
