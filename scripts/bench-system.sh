#!/usr/bin/env bash
# Monolith vs split system (issue 12, point 5): starts the split system the way `make up` does
# (scripts/run.sh background, MC_MODE=services) and the monolith (MC_MODE=monolith), each on
# free ports with its own run folder (PostgreSQL, Redis) and the rate limits raised, then runs
# bench/system/system_bench (the realistic mix at a fixed offered rate, WebSocket subscribers
# included) against each in turn, ROUNDS times (default 3; order alternates), at the same rate.
# Prints per-endpoint p50/p99 of both (medians over the rounds) and the ratios split / monolith,
# and writes build/bench/system.json (flat JSON: split_p50_ms, split_p99_ms, monolith_p50_ms,
# monolith_p99_ms, p50_ratio, p99_ratio over the whole mix, and per endpoint). Stops everything
# it started, also on failure or Ctrl-C.
#   scripts/bench-system.sh [BUILD_DIR] [system_bench options, e.g. --rate 400 --duration-s 10]
# SYSTEM_BENCH and BENCH_OUT override the tool and the output folder (the ctest smoke run).
# After the shapes stop, bench/system/hop_floor (when built) measures what one more process on a
# request's path costs on this machine with no MicroCoin code, the floor under the split's gap;
# its figures go into system.json as hop_floor_*_us.
# Plan criterion (MIGRATION_PLAN): the split system within 10 % of the monolith at p50 and p99.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
shift || true
BENCH_ARGS=("$@")
. "$ROOT/scripts/lib/common.sh"
BUILD=$(absolute_build_dir "$ROOT" "$BUILD")
OUT=${BENCH_OUT:-$ROOT/build/bench}
mkdir -p "$OUT"
BENCH=${SYSTEM_BENCH:-$BUILD/bench/system/system_bench}
require_built bench-system "$BENCH" "$BUILD/src/cmd/gateway" "$BUILD/src/cmd/tradeledger" \
  "$BUILD/src/cmd/quotes" "$BUILD/src/cmd/monolith"

export MIGRATIONS_DIR=$ROOT/migrations BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warn HTTP_ACCESS_LOG=false
# One load generator on one address would otherwise be throttled after a few dozen requests.
export RATE_LIMIT_USER_PER_SEC=1000000 RATE_LIMIT_USER_BURST=1000000 \
  RATE_LIMIT_IP_PER_SEC=1000000 RATE_LIMIT_IP_BURST=1000000 \
  RATE_LIMIT_AUTH_PER_SEC=1000000 RATE_LIMIT_AUTH_BURST=1000000

RUNS=()
cleanup() {
  for run in "${RUNS[@]}"; do
    MC_RUN_DIR=$run "$ROOT/scripts/run.sh" destroy >/dev/null 2>&1 || true
    rm -rf "$run"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_shape() {  # services|monolith → PORT_OF[shape], its public port
  local shape=$1 run gw qp tp
  run=$(mktemp -d /tmp/mc-bench-system.XXXXXX)
  RUNS+=("$run")
  distinct_port gw qp tp
  MC_RUN_DIR=$run MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=$shape GATEWAY_PORT=$gw \
    QUOTES_PORT=$qp TRADE_LEDGER_PORT=$tp "$ROOT/scripts/run.sh" background "$BUILD" >/dev/null
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gw/readyz")" = 200 ] && break
    sleep 0.1
  done
  # A quote in every symbol before the load starts (the quote reads and MARKET orders use it).
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$gw/api/quotes?symbol=BTC-USD" >/dev/null && break
    sleep 0.1
  done
  PORT_OF[$shape]=$gw
}

# Both shapes run side by side (each its own PostgreSQL, Redis and run folder) and are measured
# in turns, split-monolith then monolith-split, ROUNDS times: on a shared machine a stall of a
# few hundred ms lands in one round of one shape, and the median over the rounds discards it.
ROUNDS=${ROUNDS:-3}
declare -A PORT_OF
start_shape services
start_shape monolith
rounds=()
for r in $(seq 1 "$ROUNDS"); do
  order="services monolith"
  [ $((r % 2)) = 0 ] && order="monolith services"
  for shape in $order; do
    label=split
    [ "$shape" = monolith ] && label=monolith
    echo "== round $r/$ROUNDS: $label, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) =="
    "$BENCH" --port "${PORT_OF[$shape]}" --label "$label" --out "$OUT/system-$label-$r.json" \
      "${BENCH_ARGS[@]}"
  done
  rounds+=("$r")
done
cleanup
RUNS=()
HOP_FLOOR=${HOP_FLOOR:-$BUILD/bench/system/hop_floor}
rm -f "$OUT/hop-floor.json"
if [ -x "$HOP_FLOOR" ]; then
  echo "== hop_floor: one more plain process on the path, 0.5 ms between requests =="
  # A reference figure: if it fails, the comparison above still stands, without it.
  "$HOP_FLOOR" --requests 2000 --gap-us 500 --out "$OUT/hop-floor.json" ||
    { echo "hop_floor failed: system.json without hop_floor_*" >&2; rm -f "$OUT/hop-floor.json"; }
fi

python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out_dir, rounds = sys.argv[1], int(sys.argv[2])
def median_of(label):
    runs = [json.load(open(f"{out_dir}/system-{label}-{r}.json")) for r in range(1, rounds + 1)]
    m = dict(runs[0])
    for k, v in runs[0].items():
        if isinstance(v, (int, float)) and k.endswith(("_ms", "rate")):
            m[k] = statistics.median(run[k] for run in runs)
    m["errors"] = sum(run["errors"] for run in runs)
    m["rounds_p50_ms"] = [round(run["p50_ms"], 3) for run in runs]
    m["rounds_p99_ms"] = [round(run["p99_ms"], 3) for run in runs]
    return m
split, mono = median_of("split"), median_of("monolith")
ratio = lambda a, b: round(a / b, 3) if b else None
out = {"rounds": rounds, "split_rounds_p99_ms": split["rounds_p99_ms"],
       "monolith_rounds_p99_ms": mono["rounds_p99_ms"], "offered_rate": split["offered_rate"], "duration_s": split["duration_s"],
       "connections": split["connections"], "ws_clients": min(split["ws_clients"], mono["ws_clients"]),
       "split_p50_ms": round(split["p50_ms"], 3), "split_p99_ms": round(split["p99_ms"], 3),
       "monolith_p50_ms": round(mono["p50_ms"], 3), "monolith_p99_ms": round(mono["p99_ms"], 3),
       "p50_ratio": ratio(split["p50_ms"], mono["p50_ms"]),
       "p99_ratio": ratio(split["p99_ms"], mono["p99_ms"]),
       "split_achieved_rate": round(split["achieved_rate"], 1),
       "monolith_achieved_rate": round(mono["achieved_rate"], 1),
       "split_errors": split["errors"], "monolith_errors": mono["errors"]}
try:
    floor = json.load(open(f"{out_dir}/hop-floor.json"))
    out.update({f"hop_floor_{k}": floor[k] for k in
                ("short_p50_us", "short_p99_us", "long_p50_us", "long_p99_us", "extra_p50_us", "extra_p99_us")})
except (FileNotFoundError, json.JSONDecodeError, KeyError):
    pass
names = ["quotes", "limit_order", "market_order", "cancel", "get_order", "list_orders", "portfolio"]
print(f"\nmedians over {rounds} rounds (whole-mix p99 per round: split {split['rounds_p99_ms']}, "
      f"monolith {mono['rounds_p99_ms']})")
print(f"{'endpoint':14} {'split p50':>10} {'mono p50':>10} {'ratio':>6} {'split p99':>10} {'mono p99':>10} {'ratio':>6}")
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
if "hop_floor_extra_p50_us" in out:
    print(f"floor: one more plain process on a request's path costs "
          f"{out['hop_floor_extra_p50_us']:.0f} us at p50 on this machine (hop_floor), "
          f"{out['hop_floor_extra_p50_us'] / 10 / mono['p50_ms']:.0f} % of the monolith's whole-mix p50")
json.dump(out, open(f"{out_dir}/system.json", "w"))
print(json.dumps(out))
PY
