# Shared helpers for the bench/ scripts. Sourced, not run.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
CACHE="$BENCH_DIR/.cache"
REGISTRY_BIN=${REGISTRY_BIN:-/usr/bin/docker-registry}
JAR="$ROOT/shared-core/target/moat.jar"
# bench/copy's archive for `java -jar moat.jar --version`; the launcher keeps its own (moat-<JDK key>.jsa, trained on the demo).
JSA="$ROOT/shared-core/target/moat-version.jsa"

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }

# start_registry DIR -> prints host:port; registry runs in the background, pid in DIR/pid, storage DIR/storage.
start_registry() {
  local dir=$1 port
  port=$(free_port)
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONF
  "$REGISTRY_BIN" serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/pid"
  local i
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; then
      echo "127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      cat "$dir/registry.log" >&2
      die "docker-registry exited"
    fi
    sleep 0.05
  done
  die "docker-registry did not start on 127.0.0.1:$port"
}

# stop_registry DIR: stops the registry this script started there (by its pid), keeps nothing running.
stop_registry() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

# median of numbers on stdin (one per line)
median() {
  sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}}'
}

# ratio A B -> A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.2f\n", a / b }'; }

# verdict RATIO TARGET -> PASS when RATIO <= TARGET
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r != "nan" && r <= t) ? "PASS" : "MISS" }'; }

# Builds the CLI jar when it is missing or older than the sources (what ./moat does too).
ensure_jar() {
  if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/shared-core/src/main" "$ROOT/shared-core/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    step "building the CLI (./mvnw -pl shared-core -am package -DskipTests)"
    (cd "$ROOT" && ./mvnw -q -B -ntp -pl shared-core -am package -DskipTests)
  fi
}
