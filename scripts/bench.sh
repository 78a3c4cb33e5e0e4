#!/usr/bin/env bash
# Runs every benchmark against a Release build and writes results under build/bench/:
#   engine.json (Google Benchmark), http.json, quotes.json, tradeledger.json (flat JSON, with
#   rows_per_order and the ratio to `pgbench -N` one-client tps),
#   pg_ceiling.json: how many orders' rows PostgreSQL alone can write per second here, and
#   gateway.json: orders end to end through the gateway vs TradeLedger direct (own system),
#   system.json: the realistic mix against the split system and the monolith (p50/p99 ratios).
# The servers the benchmarks need (PostgreSQL, Redis) are private instances on free ports.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
. "$ROOT/scripts/lib/common.sh"
BUILD=$(absolute_build_dir "$ROOT" "$BUILD")
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

echo "== tradeledger (and pgbench -N, one client, for the ratio) =="
"$ROOT/scripts/bench-tradeledger.sh" "$BUILD"   # writes $OUT/tradeledger.json

echo "== PostgreSQL alone: the rows of 20,000 orders, generated in the server =="
ceiling_db="tl_ceiling_$$"
psql "$POSTGRES_URL" -qc "CREATE DATABASE $ceiling_db"
ceiling_url="${POSTGRES_URL%/*}/$ceiling_db"
POSTGRES_URL="$ceiling_url" MIGRATIONS_DIR="$ROOT/migrations" "$BUILD/src/cmd/tradeledger" migrate \
  >/dev/null
t0=$(date +%s%N)
psql "$ceiling_url" -q -f "$ROOT/bench/tradeledger/pg_ceiling.sql"
t1=$(date +%s%N)
psql "$POSTGRES_URL" -qc "DROP DATABASE $ceiling_db"
python3 - "$t0" "$t1" "$OUT/pg_ceiling.json" <<'PY'
import json, sys
seconds = (int(sys.argv[2]) - int(sys.argv[1])) / 1e9
result = {"orders": 20000, "seconds": round(seconds, 3), "orders_per_sec": round(20000 / seconds)}
json.dump(result, open(sys.argv[3], "w"))
print(json.dumps(result))
PY

echo "== gateway ==" # the split system on its own free ports: gateway vs TradeLedger direct
"$ROOT/scripts/bench-gateway.sh" "$BUILD"   # writes $OUT/gateway.json

echo "== monolith vs split system ==" # the same mix at the same offered rate against both shapes
"$ROOT/scripts/bench-system.sh" "$BUILD"   # writes $OUT/system.json

echo "results in $OUT"
