#!/usr/bin/env bash
# Soak: one server on its own embedded PostgreSQL under mixed load for a while (reads, vreads, searches, creates,
# updates, a CDS order-sign with full prefetch and a PAS Claim/$submit to the sandbox payer: LoadDriver's "soak"
# scenario), then whether anything grew that should not: heap used after a full GC, RSS, live threads and PostgreSQL
# client connections, taken after warm-up and again at the end. The heap is fixed and touched at start
# (-Xms = -Xmx, AlwaysPreTouch), so RSS growth is native memory, not the heap being committed. Prints a JSON summary
# and exits 1 when a growth is beyond its noise threshold (below), 2 when it could not run. Loopback only; every
# batch is bounded (requests and a timeout); everything it started is stopped.
# Usage: bench/soak.sh [minutes]   (default 30; from the repository root after ./mvnw -B -DskipTests package)
# Noise thresholds, each "absolute + percent of the start figure", overridable by environment:
#   heap after GC   SOAK_HEAP_MB=48  SOAK_HEAP_PCT=20   (caches fill in bounded steps; a leak keeps climbing)
#   RSS             SOAK_RSS_MB=96   SOAK_RSS_PCT=15    (code cache, metaspace, malloc arenas settle late)
#   threads         SOAK_THREADS=16                      (pools sized by load come and go)
#   connections     SOAK_CONNECTIONS=2                   (the pool is bounded; more means a connection outside it)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-30}
[[ "$MINUTES" =~ ^[0-9]+$ ]] && [ "$MINUTES" -ge 1 ] && [ "$MINUTES" -le 1440 ] || { echo "minutes: 1..1440" >&2; exit 2; }
JAR=server/target/overturn-server.jar
BENCH=bench/target/overturn-bench.jar
[ -f "$JAR" ] && [ -f "$BENCH" ] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 2; }
PORT=${SOAK_PORT:-18186}
CLIENTS=${SOAK_CLIENTS:-4}
BATCH=${SOAK_BATCH:-2000}
HEAP=${SOAK_HEAP:-768m}

WORK=$(mktemp -d -t overturn-soak-XXXXXX)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -jar "$JAR" --server.port="$PORT" --server.address=127.0.0.1 \
  --overturn.data-dir="$WORK/data" --overturn.cds.development-mode=true --logging.level.org.overturn.access=WARN \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 1800); do
  grep -q 'FHIR validator ready' "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.1
done
curl -sf -m 10 -o /dev/null "http://127.0.0.1:$PORT/fhir/metadata" \
  || { echo "the server did not start; its log:" >&2; tail -30 "$WORK/server.log" >&2; exit 2; }

batch() {  # requests -> the load driver's JSON; bounded by its own 30 s per request and by this timeout
  timeout 600 java -jar "$BENCH" --base "http://127.0.0.1:$PORT/fhir" --scenario soak --clients "$CLIENTS" \
    --requests "$1" --warmup 0 2>>"$WORK/driver.log"
}

# Client connections of the embedded PostgreSQL: its postmaster's children whose title names a client address.
connections() {
  local postmaster
  postmaster=$(pgrep -f -- "$WORK/data/pgdata" | head -1 || true)
  [ -n "$postmaster" ] || { echo -1; return; }
  ps -o args= --ppid "$postmaster" | grep -cE '^postgres: .*(\[local\]|[0-9]\([0-9]+\))' || true
}

figures() {  # -> JSON object of the server's figures now
  jcmd "$SERVER" GC.run >/dev/null
  sleep 2
  local heap_kb rss_kb threads
  # G1: " garbage-first heap   total 786432K, used 123456K [...]"
  heap_kb=$(jcmd "$SERVER" GC.heap_info | sed -n 's/.* heap *total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1)
  rss_kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$SERVER"/status)
  threads=$(awk '/^Threads:/ {print $2}' /proc/"$SERVER"/status)
  awk -v h="$heap_kb" -v r="$rss_kb" -v t="$threads" -v c="$(connections)" 'BEGIN {
    printf "{\"heap_used_after_gc_mb\": %.1f, \"rss_mb\": %.1f, \"threads\": %d, \"db_connections\": %d}", h / 1024, r / 1024, t, c }'
}

echo "soak: ${MINUTES} min of mixed load from $CLIENTS clients on 127.0.0.1:$PORT, heap $HEAP; warming up" >&2
batch "$BATCH" >/dev/null
batch "$BATCH" >/dev/null
START=$(figures)
echo "start: $START" >&2
REQUESTS=0
BATCHES=0
END_AT=$(( $(date +%s) + MINUTES * 60 ))
: >"$WORK/batches"
while [ "$(date +%s)" -lt "$END_AT" ]; do
  batch "$BATCH" >>"$WORK/batches" || { echo "a batch failed; the driver said:" >&2; tail -5 "$WORK/driver.log" >&2; exit 1; }
  REQUESTS=$((REQUESTS + BATCH))
  BATCHES=$((BATCHES + 1))
  kill -0 "$SERVER" 2>/dev/null || { echo "the server died; its log:" >&2; tail -30 "$WORK/server.log" >&2; exit 1; }
done
sleep 5  # let the last requests' background work (audit, outbox polls) settle
END=$(figures)
echo "end: $END" >&2

python3 - "$MINUTES" "$REQUESTS" "$BATCHES" "$START" "$END" "$WORK/batches" <<'EOF'
import json, os, sys
minutes, requests, batches = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
start, end = json.loads(sys.argv[4]), json.loads(sys.argv[5])
env = lambda k, d: float(os.environ.get(k, d))
limits = {
    "heap_used_after_gc_mb": env("SOAK_HEAP_MB", 48) + env("SOAK_HEAP_PCT", 20) / 100 * start["heap_used_after_gc_mb"],
    "rss_mb": env("SOAK_RSS_MB", 96) + env("SOAK_RSS_PCT", 15) / 100 * start["rss_mb"],
    "threads": env("SOAK_THREADS", 16),
    "db_connections": env("SOAK_CONNECTIONS", 2),
}
growth = {k: round(end[k] - start[k], 1) for k in limits}
beyond = [k for k in limits if growth[k] > limits[k] or start[k] < 0]
# the driver's JSON lines; anything else on its standard output is a library's log line
throughput = [json.loads(l)["throughput_per_s"] for l in open(sys.argv[6]) if l.startswith("{")]
print(json.dumps({
    "minutes": minutes, "requests": requests, "batches": batches, "cores": os.cpu_count(),
    "throughput_per_s": {"first": throughput[0], "last": throughput[-1]} if throughput else None,
    "start": start, "end": end, "growth": growth,
    "threshold": {k: round(v, 1) for k, v in limits.items()},
    "beyond_threshold": beyond, "pass": not beyond}))
sys.exit(1 if beyond else 0)
EOF
