#!/usr/bin/env bash
# The search differential: Overturn (development mode, its own embedded PostgreSQL in a temporary directory) and the
# HAPI JPA baseline (tables in schema $SCHEMA of the PostgreSQL at $PGHOST:$PGPORT, dropped before and after) get the
# same resources, PUT with the same ids, and answer the same queries (bench/src/main/resources/search-diff/); the
# answers are compared query by query and written to bench/results/<date>-search-diff.json. Exits non-zero when a
# difference is not one of search-diff/known-differences.txt (docs/search-differential.md).
# Loopback only; every wait is bounded; both servers are stopped and the schema dropped at the end.
# Usage: bench/search-diff.sh      (from the repository root, after building the server, the bench module and the
#        baseline: ./mvnw -B -DskipTests package; ./mvnw -B -N install; ./mvnw -B -f bench/hapi-jpa-baseline/pom.xml -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/overturn-server.jar
BENCH=bench/target/overturn-bench.jar
HAPI=bench/hapi-jpa-baseline/target/hapi-jpa-baseline.jar
for f in "$JAR" "$BENCH" "$HAPI"; do
  [ -f "$f" ] || { echo "build first: $f is missing (see the usage line of $0)" >&2; exit 2; }
done
OVERTURN_PORT=${OVERTURN_PORT:-18281}
HAPI_PORT=${HAPI_PORT:-18291}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGDATABASE=${PGDATABASE:-test} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGDATABASE PGUSER
SCHEMA=${SCHEMA:-overturn_search_diff}
OUT=bench/results/$(date -u +%F)-search-diff.json

WORK=$(mktemp -d -t overturn-search-diff-XXXXXX)
PIDS=()
drop_schema() { PGOPTIONS=--client-min-messages=warning psql -q -X -v ON_ERROR_STOP=1 -c "drop schema if exists $SCHEMA cascade"; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  drop_schema || true
  if [ -n "${KEEP_LOGS:-}" ]; then cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
drop_schema  # from empty tables, whatever an interrupted run left

java -jar "$JAR" --server.port="$OVERTURN_PORT" --server.address=127.0.0.1 --overturn.data-dir="$WORK/overturn" \
  >"$WORK/overturn.log" 2>&1 &
PIDS+=($!)
# Zone-less dates are read as UTC by Overturn; HAPI reads them in its JVM's zone, so both get UTC.
java -Xmx768m -Duser.timezone=UTC -jar "$HAPI" --server.port="$HAPI_PORT" \
  --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$PGDATABASE?user=$PGUSER&currentSchema=$SCHEMA" \
  >"$WORK/hapi.log" 2>&1 &
PIDS+=($!)

wait_for() {  # name port pid: up to 240 s for /fhir/metadata to answer 200
  for _ in $(seq 1 2400); do
    curl -sf -o /dev/null "http://127.0.0.1:$2/fhir/metadata" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$1 exited; its log:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 did not answer within 240 s" >&2; exit 1
}
wait_for overturn "$OVERTURN_PORT" "${PIDS[0]}"
wait_for hapi "$HAPI_PORT" "${PIDS[1]}"

java -Dloader.main=org.overturn.bench.SearchDifferential -jar "$BENCH" \
  --overturn "http://127.0.0.1:$OVERTURN_PORT/fhir" --hapi "http://127.0.0.1:$HAPI_PORT/fhir" --out "$OUT"
