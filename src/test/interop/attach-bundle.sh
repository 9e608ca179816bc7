#!/bin/sh
# Attaches a Sigstore bundle to an image exactly as cosign's BUNDLE_SPEC.md "Publishing" says: the
# bundle JSON and the empty config {} as blobs; an OCI 1.1 image manifest with artifactType the bundle
# media type, the bundle as its single layer and the image as its subject, PUT by digest; then, where the
# registry has no referrers API, the referrers fallback index under the tag sha256-<hex> is created or
# extended with an entry for that manifest (with its annotations).
#
#   attach-bundle.sh REGISTRY REPOSITORY sha256:HEX BUNDLE.json
#
# Prints the digest of the artifact manifest. Uses curl, openssl and jq.
set -eu
. "$(dirname "$0")/oci.sh"
[ $# -eq 4 ] || die "usage: attach-bundle.sh REGISTRY REPOSITORY sha256:HEX BUNDLE.json"
registry=$1 repo=$2 digest=$3 bundle=$4
bundle_type='application/vnd.dev.sigstore.bundle.v0.3+json'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The subject descriptor: the media type the registry serves the image with (the manifest's own
# mediaType field is optional), its size and digest.
image_type=$(curl -fsS -o "$tmp/image.json" -w '%{content_type}' -H "Accept: $MANIFEST_ACCEPT" \
  "http://$registry/v2/$repo/manifests/$digest") || die "image $repo@$digest not found"
image_type=${image_type%%;*}
[ "sha256:$(sha256_hex "$tmp/image.json")" = "$digest" ] || die "image manifest does not match $digest"
image_size=$(file_size "$tmp/image.json")

bundle_digest=$(push_blob "$registry" "$repo" "$bundle")
printf '{}' > "$tmp/config.json"
config_digest=$(push_blob "$registry" "$repo" "$tmp/config.json")

jq -cn \
  --arg bt "$bundle_type" \
  --arg cd "$config_digest" \
  --arg bd "$bundle_digest" --argjson bs "$(file_size "$bundle")" \
  --arg title "$(echo "$bundle_digest" | tr : -).sigstore.json" \
  --arg st "$image_type" --arg sd "$digest" --argjson ss "$image_size" \
  --arg pt "$(jq -r '.dsseEnvelope.payload // empty' "$bundle" | openssl base64 -d -A | jq -r '.predicateType // empty' 2>/dev/null || true)" \
  --arg content "$(jq -r 'if .dsseEnvelope then "dsse-envelope" else "message-signature" end' "$bundle")" \
  --arg created "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
  '{
     schemaVersion: 2,
     mediaType: "application/vnd.oci.image.manifest.v1+json",
     artifactType: $bt,
     config: {mediaType: "application/vnd.oci.empty.v1+json", digest: $cd, size: 2},
     layers: [{mediaType: $bt, digest: $bd, size: $bs, annotations: {"org.opencontainers.image.title": $title}}],
     subject: {mediaType: $st, digest: $sd, size: $ss},
     annotations: ({"dev.sigstore.bundle.content": $content, "org.opencontainers.image.created": $created}
                   + (if $pt == "" then {} else {"dev.sigstore.bundle.predicateType": $pt} end))
   }' > "$tmp/artifact.json"
artifact="sha256:$(sha256_hex "$tmp/artifact.json")"
put_manifest "$registry" "$repo" "$artifact" "$OCI_MANIFEST" "$tmp/artifact.json"

# A registry with the referrers API lists the artifact itself; otherwise maintain the fallback tag.
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Accept: $OCI_INDEX" "http://$registry/v2/$repo/referrers/$digest")
if [ "$status" = 404 ]; then
  tag=$(echo "$digest" | tr : -)
  if [ "$(get_manifest "$registry" "$repo" "$tag" "$tmp/index.json")" = 200 ] \
      && [ "$(jq -r '.mediaType // empty' "$tmp/index.json")" = "$OCI_INDEX" ]; then
    existing="$tmp/index.json"
  else
    printf '{"schemaVersion":2,"mediaType":"%s","manifests":[]}' "$OCI_INDEX" > "$tmp/empty-index.json"
    existing="$tmp/empty-index.json"
  fi
  jq -c --arg d "$artifact" --argjson s "$(file_size "$tmp/artifact.json")" --slurpfile a "$tmp/artifact.json" \
    '.manifests = ([.manifests[] | select(.digest != $d)]
       + [{mediaType: $a[0].mediaType, digest: $d, size: $s, artifactType: $a[0].artifactType, annotations: $a[0].annotations}])' \
    "$existing" > "$tmp/new-index.json"
  put_manifest "$registry" "$repo" "$tag" "$OCI_INDEX" "$tmp/new-index.json"
elif [ "$status" != 200 ]; then
  die "referrers API answered $status"
fi
echo "$artifact"
