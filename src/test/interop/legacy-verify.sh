#!/bin/sh
# Verifies cosign legacy-layout signatures as SIGNATURE_SPEC.md describes them, with curl, openssl and
# jq: the manifest under the tag sha256-<hex>.sig; for each simple-signing layer, the payload blob
# (checked against its digest) and the base64 signature of the annotation dev.cosignproject.cosign/
# signature, verified with `openssl dgst -sha256 -verify PUBLIC_KEY.pem`; and the payload must be a cosign
# container image signature whose critical.image.docker-manifest-digest is the image digest.
#
#   legacy-verify.sh REGISTRY REPOSITORY sha256:HEX PUBLIC_KEY.pem
#
# Prints one line per layer. Exit codes: 0 a layer verifies and names the digest; 1 no layer's signature
# verifies with the key; 2 a signature verifies but its payload names another digest or type; 4 no
# signature tag; 3 anything else.
set -eu
. "$(dirname "$0")/oci.sh"
[ $# -eq 4 ] || die "usage: legacy-verify.sh REGISTRY REPOSITORY sha256:HEX PUBLIC_KEY.pem"
registry=$1 repo=$2 digest=$3 pub=$4
payload_type='application/vnd.dev.cosign.simplesigning.v1+json'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tag="$(echo "$digest" | tr : -).sig"
status=$(get_manifest "$registry" "$repo" "$tag" "$tmp/manifest.json")
[ "$status" = 200 ] || { echo "no signature tag $tag ($status)" >&2; exit 4; }

result=1
count=$(jq '.layers | length' "$tmp/manifest.json")
i=0
while [ "$i" -lt "$count" ]; do
  jq -c ".layers[$i]" "$tmp/manifest.json" > "$tmp/layer.json"
  i=$((i + 1))
  [ "$(jq -r .mediaType "$tmp/layer.json")" = "$payload_type" ] || { echo "layer $i: not a simple-signing payload"; continue; }
  get_blob "$registry" "$repo" "$(jq -r .digest "$tmp/layer.json")" "$tmp/payload.json" || die "layer $i: cannot fetch payload"
  jq -r '.annotations["dev.cosignproject.cosign/signature"] // empty' "$tmp/layer.json" > "$tmp/signature.b64"
  if ! openssl base64 -d -A -in "$tmp/signature.b64" -out "$tmp/signature.der" 2>/dev/null; then
    echo "layer $i: signature annotation is not base64"
    continue
  fi
  if ! openssl dgst -sha256 -verify "$pub" -signature "$tmp/signature.der" "$tmp/payload.json" > "$tmp/openssl.out" 2>&1; then
    echo "layer $i: openssl: $(head -n1 "$tmp/openssl.out")"
    continue
  fi
  named=$(jq -r '.critical.image["docker-manifest-digest"] // empty' "$tmp/payload.json")
  type=$(jq -r '.critical.type // empty' "$tmp/payload.json")
  if [ "$type" = "cosign container image signature" ] && [ "$named" = "$digest" ]; then
    echo "layer $i: openssl: Verified OK; payload names $named"
    result=0
  else
    echo "layer $i: openssl: Verified OK; but payload names $named (type '$type'), not $digest"
    [ "$result" = 0 ] || result=2
  fi
done
exit "$result"
