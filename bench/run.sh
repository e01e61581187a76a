#!/usr/bin/env bash
# The benchmark: builds the server, the bench module and the HAPI JPA baseline, then runs every system on 127.0.0.1
# one after the other and writes bench/results/<date>-<scenario>.json, docs/benchmarks.md and docs/benchmarks.png.
# Usage: bench/run.sh [requests-per-scenario]     (default 2000; every load is bounded and stops by itself)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
echo "building server and bench module" >&2
./mvnw -B -q -DskipTests package
echo "building the HAPI JPA baseline" >&2
./mvnw -B -q -N install
./mvnw -B -q -f bench/hapi-jpa-baseline/pom.xml -DskipTests package
java -Dloader.main=org.overturn.bench.BenchRunner -jar bench/target/overturn-bench.jar --requests "$REQUESTS" --root .
