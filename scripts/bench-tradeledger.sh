#!/usr/bin/env bash
# TradeLedger benchmark against the PostgreSQL and Redis in POSTGRES_URL / REDIS_URL (bench.sh
# starts private ones; run it alone with scripts/infra.sh's env): tradeledger_bench, then the
# disk's anchor `pgbench -N` with one client for 10 s on a scratch database, merged into
# build/bench/tradeledger.json as pgbench_tps and ratio = orders_per_sec / pgbench_tps.
#   scripts/bench-tradeledger.sh [BUILD_DIR] [tradeledger_bench options]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
shift || true
. "$ROOT/scripts/lib/common.sh"
BUILD=$(absolute_build_dir "$ROOT" "$BUILD")
OUT="$ROOT/build/bench"
mkdir -p "$OUT"
: "${POSTGRES_URL:?POSTGRES_URL is not set}" "${REDIS_URL:?REDIS_URL is not set}"

"$BUILD/bench/tradeledger/tradeledger_bench" --postgres-url "$POSTGRES_URL" --redis-url "$REDIS_URL" \
  --out "$OUT/tradeledger.json" "$@"

pgbench_db="tl_pgbench_$$"
psql "$POSTGRES_URL" -qc "CREATE DATABASE $pgbench_db"
pgbench_url="${POSTGRES_URL%/*}/$pgbench_db"
pgbench -q -i -s 1 "$pgbench_url" >/dev/null 2>&1
tps=$(pgbench -N -c 1 -T "${PGBENCH_SECONDS:-10}" "$pgbench_url" 2>/dev/null |
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
psql "$POSTGRES_URL" -qc "DROP DATABASE $pgbench_db"
python3 - "$OUT/tradeledger.json" "${tps:-0}" <<'PY'
import json, sys
path, tps = sys.argv[1], float(sys.argv[2])
r = json.load(open(path))
r["pgbench_tps"] = round(tps)
r["ratio"] = round(r["orders_per_sec"] / tps, 2) if tps > 0 else None
json.dump(r, open(path, "w"))
print("pgbench -N (1 client): %.0f tps; ratio orders/s / pgbench tps: %s" % (tps, r["ratio"]))
PY
