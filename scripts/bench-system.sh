#!/usr/bin/env bash
# Monolith vs split system (issue 12, point 5): starts the split system the way `make up` does
# (scripts/run.sh background, MC_MODE=services) on free ports with a private run folder and the
# rate limits raised, runs bench/system/system_bench (the realistic mix at a fixed offered rate,
# WebSocket subscribers included), stops it, then does the same with the monolith
# (MC_MODE=monolith) on a fresh database, at the same rate. Prints per-endpoint p50/p99 of both
# and the ratios split / monolith, and writes build/bench/system.json (flat JSON: split_p50_ms,
# split_p99_ms, monolith_p50_ms, monolith_p99_ms, p50_ratio, p99_ratio over the whole mix, and
# per endpoint). Stops everything it started, also on failure or Ctrl-C.
#   scripts/bench-system.sh [BUILD_DIR] [system_bench options, e.g. --rate 400 --duration-s 10]
# Plan criterion (MIGRATION_PLAN): the split system within 10 % of the monolith at p50 and p99.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
shift || true
BENCH_ARGS=("$@")
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$ROOT/build/bench"
mkdir -p "$OUT"
BENCH=$BUILD/bench/system/system_bench
for bin in "$BENCH" "$BUILD/src/cmd/gateway" "$BUILD/src/cmd/tradeledger" "$BUILD/src/cmd/quotes" \
  "$BUILD/src/cmd/monolith"; do
  [ -x "$bin" ] || { echo "bench-system: $bin not built" >&2; exit 1; }
done

# Below the ephemeral range (32768 up), where outgoing connections cannot take the port first.
free_port() { while :; do p=$(( 20000 + RANDOM % 12000 )); (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }; done; }
export MIGRATIONS_DIR=$ROOT/migrations BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warn HTTP_ACCESS_LOG=false
# One load generator on one address would otherwise be throttled after a few dozen requests.
export RATE_LIMIT_USER_PER_SEC=1000000 RATE_LIMIT_USER_BURST=1000000 \
  RATE_LIMIT_IP_PER_SEC=1000000 RATE_LIMIT_IP_BURST=1000000 \
  RATE_LIMIT_AUTH_PER_SEC=1000000 RATE_LIMIT_AUTH_BURST=1000000

RUN=""
cleanup() {
  if [ -n "$RUN" ]; then
    MC_RUN_DIR=$RUN "$ROOT/scripts/run.sh" stop >/dev/null 2>&1 || true
    rm -rf "$RUN"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_shape() {  # services|monolith
  local shape=$1
  RUN=$(mktemp -d /tmp/mc-bench-system.XXXXXX)
  export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=$shape
  GATEWAY_PORT=$(free_port); QUOTES_PORT=$(free_port); TRADE_LEDGER_PORT=$(free_port)
  while [ "$QUOTES_PORT" = "$GATEWAY_PORT" ]; do QUOTES_PORT=$(free_port); done
  while [ "$TRADE_LEDGER_PORT" = "$GATEWAY_PORT" ] || [ "$TRADE_LEDGER_PORT" = "$QUOTES_PORT" ]; do
    TRADE_LEDGER_PORT=$(free_port)
  done
  export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
  "$ROOT/scripts/run.sh" background "$BUILD" >/dev/null
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT/readyz")" = 200 ] && break
    sleep 0.1
  done
  # A quote in every symbol before the load starts (the quote reads and MARKET orders use it).
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$GATEWAY_PORT/api/quotes?symbol=BTC-USD" >/dev/null && break
    sleep 0.1
  done
  local label=split
  [ "$shape" = monolith ] && label=monolith
  echo "== $label: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) =="
  "$BENCH" --port "$GATEWAY_PORT" --label "$label" --out "$OUT/system-$label.json" "${BENCH_ARGS[@]}"
  MC_RUN_DIR=$RUN "$ROOT/scripts/run.sh" stop >/dev/null
  rm -rf "$RUN"
  RUN=""
}

run_shape services
run_shape monolith

python3 - "$OUT/system-split.json" "$OUT/system-monolith.json" "$OUT/system.json" <<'PY'
import json, sys
split, mono = (json.load(open(p)) for p in sys.argv[1:3])
ratio = lambda a, b: round(a / b, 3) if b else None
out = {"offered_rate": split["offered_rate"], "duration_s": split["duration_s"],
       "connections": split["connections"], "ws_clients": min(split["ws_clients"], mono["ws_clients"]),
       "split_p50_ms": round(split["p50_ms"], 3), "split_p99_ms": round(split["p99_ms"], 3),
       "monolith_p50_ms": round(mono["p50_ms"], 3), "monolith_p99_ms": round(mono["p99_ms"], 3),
       "p50_ratio": ratio(split["p50_ms"], mono["p50_ms"]),
       "p99_ratio": ratio(split["p99_ms"], mono["p99_ms"]),
       "split_achieved_rate": round(split["achieved_rate"], 1),
       "monolith_achieved_rate": round(mono["achieved_rate"], 1),
       "split_errors": split["errors"], "monolith_errors": mono["errors"]}
names = ["quotes", "limit_order", "market_order", "cancel", "get_order", "list_orders", "portfolio"]
print(f"\n{'endpoint':14} {'split p50':>10} {'mono p50':>10} {'ratio':>6} {'split p99':>10} {'mono p99':>10} {'ratio':>6}")
rows = [(n, split[f"{n}_p50_ms"], mono[f"{n}_p50_ms"], split[f"{n}_p99_ms"], mono[f"{n}_p99_ms"]) for n in names]
rows.append(("whole mix", split["p50_ms"], mono["p50_ms"], split["p99_ms"], mono["p99_ms"]))
for n, s50, m50, s99, m99 in rows:
    r50, r99 = ratio(s50, m50), ratio(s99, m99)
    print(f"{n:14} {s50:10.2f} {m50:10.2f} {r50 or 0:6.2f} {s99:10.2f} {m99:10.2f} {r99 or 0:6.2f}")
    if n != "whole mix":
        out.update({f"split_{n}_p50_ms": round(s50, 3), f"monolith_{n}_p50_ms": round(m50, 3),
                    f"split_{n}_p99_ms": round(s99, 3), f"monolith_{n}_p99_ms": round(m99, 3),
                    f"{n}_p50_ratio": r50, f"{n}_p99_ratio": r99})
met = lambda r: r is not None and r <= 1.10
print(f"\nplan criterion, split within 10 % of the monolith: p50 ratio {out['p50_ratio']} "
      f"({'met' if met(out['p50_ratio']) else 'NOT met'}), p99 ratio {out['p99_ratio']} "
      f"({'met' if met(out['p99_ratio']) else 'NOT met'})")
out["criterion_met"] = met(out["p50_ratio"]) and met(out["p99_ratio"])
json.dump(out, open(sys.argv[3], "w"))
print(json.dumps(out))
PY
