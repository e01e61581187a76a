#!/usr/bin/env bash
# What authorization costs: read and search throughput of three servers run side by side on this machine, each on its
# own embedded PostgreSQL: development mode (no tokens), tokens checked with the audit trail off, and tokens checked
# with the audit trail on (the default once an issuer is configured). Rounds interleave the three, each round in a
# different order, so that whatever else the machine does falls on all of them. Each run also counts the CPU time the
# server and its database spent per request, which the rest of the machine disturbs far less than throughput. The
# medians and their ratios to development mode are printed at the end (read, search: per second; *_cpu_us: CPU
# microseconds per request). Loopback only; every loop is bounded; everything started is stopped.
# Usage: bench/security-cost.sh [rounds] [requests per run] [clients]
#        (from the repository root after ./mvnw -B -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
REQUESTS=${2:-4000}
CLIENTS=${3:-4}
JAR=server/target/overturn-server.jar
BENCH=bench/target/overturn-bench.jar
[ -f "$JAR" ] && [ -f "$BENCH" ] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 2; }

WORK=$(mktemp -d -t overturn-security-cost-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ISSUER_PORT=18191
AUDIENCE=http://127.0.0.1/bench-fhir
java -Dloader.main=org.overturn.bench.BenchIssuer -jar "$BENCH" --port $ISSUER_PORT --audience "$AUDIENCE" \
  --scope "${TOKEN_SCOPE:-system/*.cruds}" --out "$WORK/token" >"$WORK/issuer.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$WORK/token" ] && break; sleep 0.1; done
[ -s "$WORK/token" ] || { echo "the bench issuer wrote no token" >&2; exit 1; }
TOKEN=$(cat "$WORK/token")

NAMES=(development tokens tokens-audit)
PORTS=(18181 18182 18183)
SERVER_PIDS=()
start() {  # name port args...
  local name=$1 port=$2; shift 2
  mkdir -p "$WORK/$name"
  java -jar "$JAR" --server.port="$port" --server.address=127.0.0.1 --overturn.data-dir="$WORK/$name" "$@" \
    >"$WORK/$name/server.log" 2>&1 &
  PIDS+=($!)
  SERVER_PIDS+=($!)
}
# CPU time (clock ticks, user + system) of a server's JVM and of its embedded PostgreSQL's processes: throughput on a
# shared machine is noisy, the CPU each request costs much less so.
cpu_ticks() {  # index -> "jvm database"
  local i=$1 jvm pg=0 p
  jvm=$(awk '{print $14 + $15}' /proc/"${SERVER_PIDS[$i]}"/stat)
  # the postmaster (its command line names the data directory) and its children (backends, WAL writer, ...)
  local postmaster; postmaster=$(pgrep -f "$WORK/${NAMES[$i]}/pgdata" | head -1 || true)
  for p in $postmaster $( [ -n "$postmaster" ] && pgrep -P "$postmaster" || true); do
    pg=$((pg + $(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0)))
  done
  echo "$jvm $pg"
}
TICK_MS=$((1000 / $(getconf CLK_TCK)))
ISSUER_ARGS=(--overturn.security.issuers[0].issuer="http://127.0.0.1:$ISSUER_PORT"
  --overturn.security.issuers[0].jwks-uri="http://127.0.0.1:$ISSUER_PORT/jwks" --overturn.security.audience="$AUDIENCE")
start development "${PORTS[0]}"
start tokens "${PORTS[1]}" "${ISSUER_ARGS[@]}" --overturn.audit.enabled=false
start tokens-audit "${PORTS[2]}" "${ISSUER_ARGS[@]}"
for i in 0 1 2; do
  # Ready once it answers and its FHIR validator (seconds of CPU after start-up) is built.
  for _ in $(seq 1 1800); do
    grep -q 'FHIR validator ready' "$WORK/${NAMES[$i]}/server.log" 2>/dev/null && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://127.0.0.1:${PORTS[$i]}/fhir/metadata" \
    || { echo "${NAMES[$i]} did not start; see its log:" >&2; tail -20 "$WORK/${NAMES[$i]}/server.log" >&2; exit 1; }
done
echo "machine: $(nproc) cores; ${ROUNDS} rounds of ${REQUESTS} reads and ${REQUESTS} searches per server, ${CLIENTS} clients" >&2

run() {  # index scenario requests -> throughput per second
  local i=$1 scenario=$2 n=$3 token=""
  [ "$i" -gt 0 ] && token=$TOKEN
  OVERTURN_BENCH_TOKEN=$token java -jar "$BENCH" --base "http://127.0.0.1:${PORTS[$i]}/fhir" --scenario "$scenario" \
    --clients "$CLIENTS" --requests "$n" | python3 -c 'import json,sys; print(json.load(sys.stdin)["throughput_per_s"])'
}

# Warm-up: the JIT compiles the hot paths of each server before anything is counted.
for _ in 1 2; do
  for i in 0 1 2; do run "$i" read "$REQUESTS" >/dev/null; run "$i" search "$REQUESTS" >/dev/null; done
done
: >"$WORK/results"
# CPU microseconds per request from clock ticks, server and its database together (the audit writer and its inserts
# included)
per() { echo $(( $1 * TICK_MS * 1000 / REQUESTS )); }
for round in $(seq 1 "$ROUNDS"); do
  for k in 0 1 2; do
    i=$(( (k + round) % 3 ))
    read -r j0 d0 <<<"$(cpu_ticks "$i")"; r=$(run "$i" read "$REQUESTS")
    read -r j1 d1 <<<"$(cpu_ticks "$i")"; s=$(run "$i" search "$REQUESTS")
    read -r j2 d2 <<<"$(cpu_ticks "$i")"
    rc=$(per $((j1 - j0 + d1 - d0))); sc=$(per $((j2 - j1 + d2 - d1)))
    echo "${NAMES[$i]} $r $s $rc $sc" >>"$WORK/results"
    echo "round $round: ${NAMES[$i]} reads/s $r searches/s $s; CPU us per read $rc (database $(per $((d1 - d0)))),"\
      "per search $sc (database $(per $((d2 - d1))))" >&2
  done
done

python3 - "$WORK/results" <<'EOF'
import json, statistics, sys
rows = {}
keys = ("read", "search", "read_cpu_us", "search_cpu_us")
for line in open(sys.argv[1]):
    name, *values = line.split()
    rows.setdefault(name, {k: [] for k in keys})
    for k, v in zip(keys, values):
        rows[name][k].append(float(v))
base = {k: statistics.median(rows["development"][k]) for k in keys}
out = {}
for name, v in rows.items():
    out[name] = {k: {"median": round(statistics.median(v[k]), 1), "min": min(v[k]), "max": max(v[k]),
                     "ratio_to_development": round(statistics.median(v[k]) / base[k], 3)} for k in keys}
print(json.dumps(out))
EOF
