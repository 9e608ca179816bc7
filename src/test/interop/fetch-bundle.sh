#!/bin/sh
# Fetches the first Sigstore bundle attached to an image, as cosign's BUNDLE_SPEC.md "Retrieval" says:
# the referrers API, or on a 404 the referrers fallback tag sha256-<hex>; the index entry whose
# artifactType is the bundle media type; that artifact manifest (checked to name the image as subject);
# its bundle layer blob (checked against its digest).
#
#   fetch-bundle.sh REGISTRY REPOSITORY sha256:HEX OUT.json
#
# Uses curl, openssl and jq. Exit codes: 0 written, 4 no bundle attached, 3 anything else.
set -eu
. "$(dirname "$0")/oci.sh"
[ $# -eq 4 ] || die "usage: fetch-bundle.sh REGISTRY REPOSITORY sha256:HEX OUT.json"
registry=$1 repo=$2 digest=$3 out=$4
bundle_type='application/vnd.dev.sigstore.bundle.v0.3+json'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=$(curl -sS -o "$tmp/referrers.json" -w '%{http_code}' -H "Accept: $OCI_INDEX" \
  "http://$registry/v2/$repo/referrers/$digest?artifactType=$bundle_type")
if [ "$status" != 200 ]; then
  [ "$status" = 404 ] || die "referrers API answered $status"
  status=$(get_manifest "$registry" "$repo" "$(echo "$digest" | tr : -)" "$tmp/referrers.json")
  [ "$status" = 200 ] || { echo "no referrers for $digest (fallback tag: $status)" >&2; exit 4; }
fi
artifact=$(jq -r --arg t "$bundle_type" '[.manifests[] | select(.artifactType == $t)][0].digest // empty' "$tmp/referrers.json")
[ -n "$artifact" ] || { echo "no $bundle_type referrer for $digest" >&2; exit 4; }

[ "$(get_manifest "$registry" "$repo" "$artifact" "$tmp/artifact.json")" = 200 ] || die "cannot fetch $artifact"
[ "sha256:$(sha256_hex "$tmp/artifact.json")" = "$artifact" ] || die "manifest $artifact does not match its digest"
[ "$(jq -r .artifactType "$tmp/artifact.json")" = "$bundle_type" ] || die "$artifact is not a bundle artifact"
[ "$(jq -r .subject.digest "$tmp/artifact.json")" = "$digest" ] || die "$artifact has another subject"
layer=$(jq -r --arg t "$bundle_type" '[.layers[] | select(.mediaType == $t)][0].digest // empty' "$tmp/artifact.json")
[ -n "$layer" ] || die "$artifact has no bundle layer"
get_blob "$registry" "$repo" "$layer" "$out" || die "cannot fetch bundle blob $layer"
