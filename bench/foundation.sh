#!/usr/bin/env bash
# Foundation figures: cold start to first answered request, RSS after start, and read/search latency under a small
# load, for the server on its embedded PostgreSQL. Loopback only; every loop is bounded; the server is stopped at the end.
# Usage: bench/foundation.sh [clients] [requests]      (run from the repository root after ./mvnw -B -DskipTests package)
# TOKENS=on: the server trusts a bench issuer (bench.BenchIssuer, loopback) and every request carries its token
# (scope TOKEN_SCOPE, default system/*.cruds), so the figures include token checks, access checks and auditing.
# SERVER_ARGS: more server settings, split on spaces (e.g. SERVER_ARGS=--overturn.audit.enabled=false);
# SERVER_JVM_ARGS: JVM options for the server alone (e.g. a flight recording).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-4}
REQUESTS=${2:-2000}
PORT=18080
JAR=server/target/overturn-server.jar
BENCH=bench/target/overturn-bench.jar
[ -f "$JAR" ] && [ -f "$BENCH" ] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 2; }

DATA=$(mktemp -d -t overturn-bench-XXXXXX)
LOG="$DATA/server.log"
cleanup() {  # each step runs whatever the one before answered (a killed process waits with a non-zero status)
  if [ -n "${PID:-}" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; fi
  if [ -n "${ISSUER_PID:-}" ]; then kill "$ISSUER_PID" 2>/dev/null; wait "$ISSUER_PID" 2>/dev/null || true; fi
  if [ -n "$KEEP_LOG" ]; then cp "$LOG" "$KEEP_LOG"; fi
  rm -rf "$DATA"
}
trap cleanup EXIT
KEEP_LOG=${KEEP_LOG:-}

rss_kb() {  # JVM plus the embedded PostgreSQL processes whose data directory is ours
  local total; total=$(awk '/VmRSS/ {print $2}' /proc/"$PID"/status)
  for p in $(pgrep -f "$DATA/pgdata" || true); do total=$((total + $(awk '/VmRSS/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0))); done
  echo "$total"
}

AUTH_ARGS=()
if [ "${TOKENS:-off}" = on ]; then
  ISSUER_PORT=18091
  java -Dloader.main=org.overturn.bench.BenchIssuer -jar "$BENCH" --port $ISSUER_PORT \
    --audience "http://127.0.0.1:$PORT/fhir" --scope "${TOKEN_SCOPE:-system/*.cruds}" --out "$DATA/token" &
  ISSUER_PID=$!
  for _ in $(seq 1 100); do [ -s "$DATA/token" ] && break; sleep 0.1; done
  [ -s "$DATA/token" ] || { echo "the bench issuer wrote no token" >&2; exit 1; }
  OVERTURN_BENCH_TOKEN=$(cat "$DATA/token"); export OVERTURN_BENCH_TOKEN
  AUTH_ARGS=(--overturn.security.issuers[0].issuer="http://127.0.0.1:$ISSUER_PORT"
    --overturn.security.issuers[0].jwks-uri="http://127.0.0.1:$ISSUER_PORT/jwks"
    --overturn.fhir.base-url="http://127.0.0.1:$PORT/fhir" --server.address=127.0.0.1)
fi

start_server() {  # sets PID and START_MS
  local started; started=$(date +%s%N)
  # shellcheck disable=SC2086 # SERVER_ARGS is split on purpose
  java ${SERVER_JVM_ARGS:-} -jar "$JAR" --server.port=$PORT --overturn.data-dir="$DATA" "${AUTH_ARGS[@]}" ${SERVER_ARGS:-} >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/fhir/metadata"; then
      START_MS=$(( ($(date +%s%N) - started) / 1000000 ))
      return 0
    fi
    kill -0 "$PID" 2>/dev/null || { echo "server exited; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  echo "server did not answer within 120 s" >&2; exit 1
}

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), default JVM flags" >&2
start_server; COLD=$START_MS
JVM_RSS=$(awk '/VmRSS/ {print $2}' /proc/"$PID"/status)
TOTAL_RSS=$(rss_kb)
kill "$PID"; wait "$PID" 2>/dev/null || true
start_server; WARM=$START_MS
# The FHIR validator is built in the background after start-up (seconds of CPU): measure after it, not during it.
for _ in $(seq 1 600); do grep -q 'FHIR validator ready' "$LOG" && break; sleep 0.1; done
READ=$(java -jar "$BENCH" --base "http://127.0.0.1:$PORT/fhir" --scenario read --clients "$CLIENTS" --requests "$REQUESTS")
SEARCH=$(java -jar "$BENCH" --base "http://127.0.0.1:$PORT/fhir" --scenario search --clients "$CLIENTS" --requests "$REQUESTS")

printf '{"cold_start_ms":%s,"warm_start_ms":%s,"jvm_rss_mb":%s,"total_rss_mb":%s,"read":%s,"search":%s}\n' \
  "$COLD" "$WARM" $((JVM_RSS / 1024)) $((TOTAL_RSS / 1024)) "$READ" "$SEARCH"
