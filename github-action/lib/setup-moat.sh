#!/usr/bin/env bash
# Makes `moat` available to the later steps of a Moat action (through $GITHUB_PATH).
#   INPUT_MOAT_VERSION=source     (default) build and run the CLI from the action's own checkout, with the
#                                 repository's ./moat launcher (needs a JDK 17+ on the runner)
#   INPUT_MOAT_VERSION=installed  use the `moat` already on PATH
#   INPUT_MOAT_VERSION=X.Y.Z      download moat.jar from the GitHub release vX.Y.Z of MOAT_RELEASES
set -euo pipefail

version="${INPUT_MOAT_VERSION:-source}"
bin="${RUNNER_TEMP}/moat-bin"
mkdir -p "$bin"

case "$version" in
  source)
    root="$(cd "${GITHUB_ACTION_PATH}/../.." && pwd)"
    if [ ! -x "$root/moat" ]; then
      echo "::error::moat-version 'source' needs the moat launcher at $root/moat"
      exit 2
    fi
    printf '#!/bin/sh\nexec "%s/moat" "$@"\n' "$root" > "$bin/moat"
    ;;
  installed)
    if ! command -v moat > /dev/null; then
      echo "::error::moat-version 'installed' but there is no moat on PATH"
      exit 2
    fi
    exit 0
    ;;
  [0-9]*.[0-9]*.[0-9]*)
    jar="$bin/moat-$version.jar"
    url="${MOAT_RELEASES:-https://github.com/moat-dev/moat/releases/download}/v$version/moat.jar"
    curl -fsSL --retry 3 -o "$jar" "$url"
    printf '#!/bin/sh\nexec java -jar "%s" "$@"\n' "$jar" > "$bin/moat"
    ;;
  *)
    echo "::error::moat-version must be source, installed or a version like 0.1.0, not '$version'"
    exit 2
    ;;
esac
chmod 755 "$bin/moat"
# First run: for 'source' this builds the jar, so the build log stays out of the stage's step.
"$bin/moat" --version
echo "$bin" >> "$GITHUB_PATH"
