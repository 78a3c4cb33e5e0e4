#!/usr/bin/env bash
# The web console in a real browser against the real system (scripts/run.sh on free ports with
# a private run folder, as system_e2e.sh): web/tests/console.e2e.mjs drives Debian's Chromium.
# Screenshots of every step: BUILD_DIR/artifacts/console/ (artifacts/console-monolith/).
#   console_e2e.sh SOURCE_DIR BUILD_DIR [monolith]
set -uo pipefail
SRC=$1; BUILD=$2; MODE=${3:-services}
RUN=$(mktemp -d /tmp/mc-console.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=$MODE
. "$SRC/scripts/lib/common.sh"  # distinct_port: free ports, also kept from infra.sh
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$SRC/migrations BIND_ADDRESS=127.0.0.1 WEB_ROOT=$SRC/web/dist
# A strict /auth limit (burst 5, 1 a second), so the browser test's burst of log-ins certainly
# ends in a 429 (the browser sends at most 6 at a time; password checks take a while).
export RATE_LIMIT_AUTH_PER_SEC=1 RATE_LIMIT_AUTH_BURST=5
ARTIFACTS=$BUILD/artifacts/console$([ "$MODE" = monolith ] && echo -monolith)
cleanup() { "$SRC/scripts/run.sh" destroy >/dev/null 2>&1; rm -rf "$RUN"; }
trap cleanup EXIT

[ -x /usr/bin/chromium ] || { echo "FAIL /usr/bin/chromium missing (scripts/bootstrap.sh installs it)"; exit 1; }
"$SRC/scripts/build-web.sh" || { echo "FAIL building the console"; exit 1; }
"$SRC/scripts/run.sh" background "$BUILD" || { echo "FAIL system start"; exit 1; }
curl -fsS "http://127.0.0.1:$GATEWAY_PORT/" | grep -q '<div id="app">' || { echo "FAIL / does not serve the console"; exit 1; }
# Candles flow Quotes -> Redis -> gateway (the open one is written within half a second).
candles=""
for _ in $(seq 1 100); do
  candles=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/api/candles?symbol=BTC-USD&interval=1m&limit=5")
  echo "$candles" | grep -q '"t":' && break
  sleep 0.1
done
echo "$candles" | grep -q '"open":"' || { echo "FAIL no candles from /api/candles: $candles"; exit 1; }
echo "ok   /api/candles: $candles"
rm -rf "$ARTIFACTS"
MC_BASE_URL=http://127.0.0.1:$GATEWAY_PORT MC_ARTIFACTS=$ARTIFACTS \
  timeout 180 node "$SRC/web/tests/console.e2e.mjs"
