# Shared by the steps of the Moat actions; sourced by bash (`run:` with `shell: bash`).
# Inputs arrive as INPUT_* environment variables; nothing here echoes a key, passphrase or password.

umask 077
moat_temp_files=()
moat_cleanup() {
  local f
  for f in "${moat_temp_files[@]}"; do
    rm -f -- "$f"
  done
}
trap moat_cleanup EXIT

# Only non-empty inputs are exported, so an empty input does not blank a variable the job set itself.
if [ -n "${INPUT_PASSPHRASE:-}" ]; then export MOAT_PASSPHRASE="$INPUT_PASSPHRASE"; fi
if [ -n "${INPUT_REGISTRY_USERNAME:-}" ]; then export MOAT_REGISTRY_USERNAME="$INPUT_REGISTRY_USERNAME"; fi
if [ -n "${INPUT_REGISTRY_PASSWORD:-}" ]; then export MOAT_REGISTRY_PASSWORD="$INPUT_REGISTRY_PASSWORD"; fi
unset INPUT_PASSPHRASE INPUT_REGISTRY_PASSWORD

# moat_items VALUE: prints the items of a list input (separated by commas or newlines), trimmed, one a line.
moat_items() {
  local item
  while IFS= read -r item; do
    item="${item#"${item%%[![:space:]]*}"}"
    item="${item%"${item##*[![:space:]]}"}"
    if [ -n "$item" ]; then printf '%s\n' "$item"; fi
  done < <(printf '%s\n' "$1" | tr ',' '\n')
}

# moat_add_each ARRAY FLAG VALUE: appends FLAG ITEM for each item of the list VALUE.
moat_add_each() {
  local -n moat_args_ref="$1"
  local item
  while IFS= read -r item; do
    moat_args_ref+=("$2" "$item")
  done < <(moat_items "$3")
}

# moat_add_keys ARRAY FLAG VALUE: VALUE holds key references (paths, env://VAR, pkcs11: URIs; separated by
# commas or newlines) and/or PEM keys pasted from secrets. Each PEM key is written to a 0600 file under
# $RUNNER_TEMP that is removed when the step ends.
moat_add_keys() {
  local -n moat_keys_ref="$1"
  local flag="$2" line file="" refs=""
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    if [ -z "$file" ] && [[ "$line" == *"-----BEGIN "*"-----"* ]]; then
      file="$(mktemp "${RUNNER_TEMP}/moat-key.XXXXXXXX")"
      moat_temp_files+=("$file")
      moat_keys_ref+=("$flag" "$file")
    fi
    if [ -n "$file" ]; then
      printf '%s\n' "$line" >> "$file"
      if [[ "$line" == *"-----END "*"-----"* ]]; then file=""; fi
    else
      refs+="$line"$'\n'
    fi
  done <<< "$3"
  if [ -n "$file" ]; then
    echo "::error::a PEM key in the input has no END line"
    exit 2
  fi
  moat_add_each "$1" "$flag" "$refs"
}

# moat_add_registry_options ARRAY: --insecure-registry, --registry-ca and --verbose from the inputs.
moat_add_registry_options() {
  moat_add_each "$1" --insecure-registry "${INPUT_INSECURE_REGISTRIES:-}"
  moat_add_each "$1" --registry-ca "${INPUT_REGISTRY_CA:-}"
  if [ "${INPUT_VERBOSE:-false}" = "true" ]; then
    local -n moat_verbose_ref="$1"
    moat_verbose_ref+=(--verbose)
  fi
}

# moat_run ARGS...: runs moat with the outputs going to $GITHUB_OUTPUT and the summary to the job summary.
moat_run() {
  moat "$@" --outputs-file "$GITHUB_OUTPUT" --summary-file "$GITHUB_STEP_SUMMARY"
}

# moat_use_kubeconfig VALUE: VALUE is a kubeconfig's path, or the kubeconfig itself (a secret), which is written to
# a 0600 file under $RUNNER_TEMP that is removed when the step ends; KUBECONFIG then names it. Empty keeps the job's
# own KUBECONFIG or ~/.kube/config (as kubectl would find them).
moat_use_kubeconfig() {
  local value="$1" file
  if [ -z "$value" ]; then return 0; fi
  if [[ "$value" == *$'\n'* ]]; then
    file="$(mktemp "${RUNNER_TEMP}/moat-kubeconfig.XXXXXXXX")"
    moat_temp_files+=("$file")
    printf '%s\n' "$value" > "$file"
    export KUBECONFIG="$file"
  elif [ -f "$value" ]; then
    export KUBECONFIG="$value"
  else
    echo "::error::kubeconfig is neither a file nor a kubeconfig's content"
    exit 2
  fi
}
