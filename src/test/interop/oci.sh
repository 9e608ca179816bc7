# Helpers for the interop scripts: the OCI distribution API over plain HTTP with curl, digests with
# openssl. Sourced, not run. Every function fails (non-zero) on an HTTP error.

MANIFEST_ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json'
OCI_MANIFEST='application/vnd.oci.image.manifest.v1+json'
OCI_INDEX='application/vnd.oci.image.index.v1+json'

die() {
  echo "$(basename "$0"): $*" >&2
  exit 3
}

# sha256_hex FILE: the hex SHA-256 of a file.
sha256_hex() {
  openssl dgst -sha256 -r "$1" | cut -d' ' -f1
}

# file_size FILE: its length in bytes.
file_size() {
  wc -c < "$1" | tr -d ' '
}

# get_manifest REGISTRY REPO REFERENCE OUT: fetches a manifest or index; prints the HTTP status.
get_manifest() {
  curl -sS -o "$4" -w '%{http_code}' -H "Accept: $MANIFEST_ACCEPT" "http://$1/v2/$2/manifests/$3"
}

# put_manifest REGISTRY REPO REFERENCE MEDIA_TYPE FILE
put_manifest() {
  curl -fsS -o /dev/null -X PUT -H "Content-Type: $4" --data-binary "@$5" "http://$1/v2/$2/manifests/$3"
}

# get_blob REGISTRY REPO DIGEST OUT: fetches a blob and checks its digest.
get_blob() {
  curl -fsSL -o "$4" "http://$1/v2/$2/blobs/$3" || return 1
  [ "sha256:$(sha256_hex "$4")" = "$3" ] || { echo "blob $3 does not match its digest" >&2; return 1; }
}

# push_blob REGISTRY REPO FILE: uploads a blob (POST then monolithic PUT); prints its digest.
push_blob() {
  local digest location
  digest="sha256:$(sha256_hex "$3")"
  if curl -fsS -o /dev/null -I "http://$1/v2/$2/blobs/$digest" 2>/dev/null; then
    echo "$digest"
    return 0
  fi
  location=$(curl -fsS -o /dev/null -D - -X POST "http://$1/v2/$2/blobs/uploads/" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: *//p')
  [ -n "$location" ] || { echo "no upload location for $2" >&2; return 1; }
  case "$location" in
    http*) ;;
    *) location="http://$1$location" ;;
  esac
  case "$location" in
    *\?*) location="$location&digest=$digest" ;;
    *) location="$location?digest=$digest" ;;
  esac
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$3" "$location" || return 1
  echo "$digest"
}
