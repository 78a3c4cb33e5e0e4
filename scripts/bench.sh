#!/usr/bin/env bash
# Runs every benchmark against a Release build and writes results under build/bench/:
#   engine.json (Google Benchmark), http.json, quotes.json, tradeledger.json (flat JSON).
# The servers the benchmarks need (PostgreSQL, Redis) are private instances on free ports.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$ROOT/build/bench"
INFRA="$ROOT/build/bench-infra"
mkdir -p "$OUT"

"$ROOT/scripts/infra.sh" start --dir "$INFRA" --pg-port auto --redis-port auto
trap '"$ROOT/scripts/infra.sh" stop --dir "$INFRA"' EXIT
set -a; . "$INFRA/env"; set +a

echo "== engine (Google Benchmark) =="
"$BUILD/bench/engine/engine_bench" --benchmark_out="$OUT/engine.json" --benchmark_out_format=json

echo "== http server vs nginx (wrk) =="
"$ROOT/scripts/bench-http.sh" "$BUILD/bench/http/http_hello_server"   # writes $OUT/http.json

echo "== quotes =="
"$BUILD/bench/quotes/quotes_bench" --redis-url "$REDIS_URL" --out "$OUT/quotes.json"

echo "== tradeledger =="
"$BUILD/bench/tradeledger/tradeledger_bench" --postgres-url "$POSTGRES_URL" --redis-url "$REDIS_URL" \
  --out "$OUT/tradeledger.json"

echo "results in $OUT"
