#!/usr/bin/env bash
# Gateway benchmark: starts the three services the way `make up` does (scripts/run.sh
# background) on free ports with a private run folder and the rate limits raised, waits for
# /readyz, runs bench/gateway/gateway_bench (orders end to end through the gateway vs straight
# into TradeLedger's internal API) and, when built, ws_fanout_bench (/ws/quotes fan-out); writes
# build/bench/gateway.json; stops everything it started, also on failure or Ctrl-C.
#   scripts/bench-gateway.sh [BUILD_DIR] [gateway_bench options, e.g. --duration-s 5]
# WS_CLIENTS (default 10000) WebSocket clients: one descriptor each in ws_fanout_bench and in
# the gateway, so WS_CLIENTS must fit under `ulimit -n` with room to spare.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/release}
shift || true
. "$ROOT/scripts/lib/common.sh"
BUILD=$(absolute_build_dir "$ROOT" "$BUILD")
OUT="$ROOT/build/bench"
mkdir -p "$OUT"
require_built bench-gateway "$BUILD/bench/gateway/gateway_bench" "$BUILD/src/cmd/gateway" \
  "$BUILD/src/cmd/tradeledger" "$BUILD/src/cmd/quotes"

RUN=$(mktemp -d /tmp/mc-bench-gateway.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=services
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$ROOT/migrations BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warn
# One load generator on one address would otherwise be throttled after a few dozen requests.
export RATE_LIMIT_USER_PER_SEC=1000000 RATE_LIMIT_USER_BURST=1000000 \
  RATE_LIMIT_IP_PER_SEC=1000000 RATE_LIMIT_IP_BURST=1000000 \
  RATE_LIMIT_AUTH_PER_SEC=1000000 RATE_LIMIT_AUTH_BURST=1000000
# TradeLedger's per-request log line is a benchmark-off setting (as in tradeledger_bench).
export HTTP_ACCESS_LOG=false
# Room for the WebSocket clients besides the order connections.
export HTTP_MAX_CONNECTIONS=$(( ${WS_CLIENTS:-10000} + 1000 ))

cleanup() {
  "$ROOT/scripts/run.sh" destroy >/dev/null 2>&1 || true
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/scripts/run.sh" background "$BUILD"
wait_ready() {  # name port
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  echo "bench-gateway: $1 not ready on :$2 (logs: $RUN/logs/$1.log)" >&2
  tail -5 "$RUN/logs/$1.log" >&2 || true
  exit 1
}
wait_ready tradeledger "$TRADE_LEDGER_PORT"
wait_ready gateway "$GATEWAY_PORT"

# The service-token key the run generated (run.sh writes it once per run folder).
service_secret=$(sed -n 's/^SERVICE_JWT_SECRET=//p' "$RUN/secrets")
[ -n "$service_secret" ] || { echo "bench-gateway: no SERVICE_JWT_SECRET in $RUN/secrets" >&2; exit 1; }

echo "bench-gateway: gateway :$GATEWAY_PORT, tradeledger :$TRADE_LEDGER_PORT, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
watch=gateway=$(cat "$RUN/pids/gateway.pid"),tradeledger=$(cat "$RUN/pids/tradeledger.pid"),quotes=$(cat "$RUN/pids/quotes.pid")
[ -f "$RUN/infra/redis.pid" ] && watch+=,redis=$(cat "$RUN/infra/redis.pid")
SERVICE_JWT_SECRET=$service_secret "$BUILD/bench/gateway/gateway_bench" \
  --gateway-port "$GATEWAY_PORT" --ledger-port "$TRADE_LEDGER_PORT" --out "$OUT/gateway.json" \
  --watch-pids "$watch" "$@"

# WebSocket fan-out: WS_CLIENTS (default 10,000) clients of this gateway, fed by the running
# Quotes service at its default rate; their count and p99 join gateway.json.
ws_bin="$BUILD/bench/gateway/ws_fanout_bench"
ws_clients=0 ws_p99=null
if [ -x "$ws_bin" ]; then
  ws_args=(--port "$GATEWAY_PORT" --clients "${WS_CLIENTS:-10000}" --seconds "${WS_SECONDS:-10}")
  echo "== ws fan-out: $ws_bin ${ws_args[*]} =="
  ws_out=$("$ws_bin" "${ws_args[@]}") || echo "bench-gateway: ws_fanout_bench measured nothing" >&2
  echo "$ws_out"
  ws_clients=$(sed -n 's/^connected \([0-9]*\) of .*/\1/p' <<<"$ws_out" | tail -1)
  ws_frames=$(sed -n 's/^frames \([0-9]*\) .*/\1/p' <<<"$ws_out" | tail -1)
  ws_p99=$(sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p' <<<"$ws_out" | tail -1)
  [ -n "$ws_clients" ] || ws_clients=0
  # No frame delivered: nothing was measured.
  if [ -z "$ws_p99" ] || [ "${ws_frames:-0}" = 0 ]; then ws_clients=0 ws_p99=null; fi
else
  echo "bench-gateway: $ws_bin not built: ws_clients=0, ws_p99_ms=null"
fi

# The floor under that figure: the same fan-out with no gateway and no WebSocket client, plain
# loopback sockets written and read by two lean processes (bench/gateway/loopback_floor.cpp),
# after the services have stopped. What no gateway on this machine can beat.
floor_bin="$BUILD/bench/gateway/loopback_floor"
ws_floor_p99=null
if [ -x "$floor_bin" ] && [ "$ws_clients" != 0 ]; then
  cleanup
  floor_args=(--clients "$ws_clients" --bursts $(( ${WS_SECONDS:-10} * 4 )))
  echo "== loopback floor: $floor_bin ${floor_args[*]} =="
  floor_out=$(timeout 300 "$floor_bin" "${floor_args[@]}") ||
    echo "bench-gateway: loopback_floor failed" >&2
  echo "$floor_out"
  ws_floor_p99=$(sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p' <<<"$floor_out" | tail -1)
  [ -n "$ws_floor_p99" ] || ws_floor_p99=null
fi
python3 - "$OUT/gateway.json" "$ws_clients" "$ws_p99" "$ws_floor_p99" <<'PY'
import json, sys
path, clients, p99, floor_p99 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
result = json.load(open(path))
result["ws_clients"] = clients
result["ws_p99_ms"] = None if p99 == "null" else float(p99)
result["ws_floor_p99_ms"] = None if floor_p99 == "null" else float(floor_p99)
json.dump(result, open(path, "w"))
print(json.dumps(result))
PY
