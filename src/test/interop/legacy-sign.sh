#!/bin/sh
# Signs an image in cosign's legacy layout exactly as cosign's SIGNATURE_SPEC.md says, with openssl and
# curl only: a simple-signing payload (critical.identity.docker-reference, critical.image.
# docker-manifest-digest, critical.type "cosign container image signature", optional null) signed with
# ECDSA P-256 over SHA-256 (openssl dgst -sha256 -sign), the DER signature base64-encoded in the layer
# annotation dev.cosignproject.cosign/signature; payload and config uploaded as blobs; the OCI image
# manifest PUT under the tag sha256-<hex>.sig. Any existing signature layers under that tag are kept.
#
#   legacy-sign.sh REGISTRY REPOSITORY sha256:HEX PRIVATE_KEY.pem
#
# Prints the digest of the signature manifest. PAYLOAD_DIGEST_KEY overrides the spelling of the
# docker-manifest-digest key (SIGNATURE_SPEC.md's example writes Docker-manifest-digest; cosign reads
# either, as Go's encoding/json matches keys case-insensitively).
set -eu
. "$(dirname "$0")/oci.sh"
[ $# -eq 4 ] || die "usage: legacy-sign.sh REGISTRY REPOSITORY sha256:HEX PRIVATE_KEY.pem"
registry=$1 repo=$2 digest=$3 key=$4
payload_type='application/vnd.dev.cosign.simplesigning.v1+json'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '{"critical":{"identity":{"docker-reference":"%s/%s"},"image":{"%s":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$registry" "$repo" "${PAYLOAD_DIGEST_KEY:-docker-manifest-digest}" "$digest" > "$tmp/payload.json"
openssl dgst -sha256 -sign "$key" -out "$tmp/signature.der" "$tmp/payload.json"
signature=$(openssl base64 -A -in "$tmp/signature.der")
payload_digest=$(push_blob "$registry" "$repo" "$tmp/payload.json")
layer=$(printf '{"mediaType":"%s","size":%s,"digest":"%s","annotations":{"dev.cosignproject.cosign/signature":"%s"}}' \
  "$payload_type" "$(file_size "$tmp/payload.json")" "$payload_digest" "$signature")

# Earlier signatures under the tag stay (one manifest per signed image, one layer per signature).
tag="$(echo "$digest" | tr : -).sig"
layers="$layer"
diff_ids="\"$payload_digest\""
if [ "$(get_manifest "$registry" "$repo" "$tag" "$tmp/existing.json")" = 200 ]; then
  layers="$(jq -c '.layers[]' "$tmp/existing.json" | paste -sd, -),$layer"
  diff_ids="$(jq -c '.layers[].digest' "$tmp/existing.json" | paste -sd, -),$diff_ids"
fi

printf '{"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":[%s]}}' \
  "$diff_ids" > "$tmp/config.json"
config_digest=$(push_blob "$registry" "$repo" "$tmp/config.json")
printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":%s,"digest":"%s"},"layers":[%s]}' \
  "$OCI_MANIFEST" "$(file_size "$tmp/config.json")" "$config_digest" "$layers" > "$tmp/manifest.json"
put_manifest "$registry" "$repo" "$tag" "$OCI_MANIFEST" "$tmp/manifest.json"
echo "sha256:$(sha256_hex "$tmp/manifest.json")"
