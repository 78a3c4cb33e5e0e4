#!/usr/bin/env bash
# The rollback of docs/OPERATIONS.md, done the way it describes, behind scripts/nginx.sh:
# split system → monolith → split on one database, nginx re-pointed with `reload`. A client
# session made on the split system keeps working; an idempotent top-up replayed on the other
# shape gets the byte-identical answer and is not applied twice; balances carry over.
#   nginx_switch_test.sh SOURCE_DIR BUILD_DIR     (binaries in BUILD_DIR/src/cmd)
set -uo pipefail
SRC=$1; BUILD=$2
RUN=$(mktemp -d /tmp/mc-nginx-switch.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto
. "$SRC/scripts/lib/common.sh"  # distinct_port: free ports, also kept from infra.sh
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT MONO_PORT LB_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$SRC/migrations BIND_ADDRESS=127.0.0.1
U=http://127.0.0.1:$LB_PORT
passed=0; failed=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
quiet() { "$@" >/dev/null; }
cleanup() {
  "$SRC/scripts/nginx.sh" stop --dir "$RUN/nginx" >/dev/null 2>&1
  "$SRC/scripts/run.sh" destroy >/dev/null 2>&1  # every pid file under $RUN/pids, then the infra and its data
  if [ "$failed" -eq 0 ]; then rm -rf "$RUN"; else echo "files kept in $RUN"; fi
}
trap cleanup EXIT
ready() { for _ in $(seq 1 300); do curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
stop_pid() {  # name: SIGTERM (graceful), wait for the exit, forget the pid file
  local f="$RUN/pids/$1.pid" pid
  pid=$(cat "$f") || return 1
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || { rm -f "$f"; return 0; }; sleep 0.1; done
  return 1
}
topup() {  # idempotency key → the response body
  curl -s -XPOST "$U/api/fund/topup" -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $1" \
    -H 'Content-Type: application/json' -d '{"amount":"1000"}'
}
usd_total() {
  curl -s "$U/api/portfolio" -H "Authorization: Bearer $TOKEN" | python3 -c '
import json, sys
print(next(b["balance_total"] for b in json.load(sys.stdin)["balances"] if b["currency"] == "USD"))'
}
equal() { [ "$1" = "$2" ] || { echo "  got: $1"; echo "  want: $2"; return 1; }; }

# 1. The split system behind nginx; a user signs up and tops up once.
check "split system starts" quiet "$SRC/scripts/run.sh" background "$BUILD"
check "nginx starts in front of the gateway" quiet "$SRC/scripts/nginx.sh" start --dir "$RUN/nginx" \
  --port "$LB_PORT" --upstreams "127.0.0.1:$GATEWAY_PORT"
TOKEN=$(curl -s -XPOST "$U/auth/signup" -H 'Content-Type: application/json' \
  -d '{"email":"switch@example.com","password":"password-123"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
check "signed up through nginx" test -n "$TOKEN"
FIRST=$(topup k-1)
check "top-up on the split system" equal "$(usd_total)" "1000.00"

# 2. Roll back: TradeLedger (the writer-lock holder) and the others stop, the monolith starts
#    on the same database, nginx is re-pointed.
check "split services stop gracefully" stop_pid gateway
check "  quotes" stop_pid quotes
check "  tradeledger" stop_pid tradeledger
(
  set -a; . "$RUN/infra/env"; . "$RUN/secrets"; set +a
  export GATEWAY_PORT=$MONO_PORT
  nohup "$BUILD/src/cmd/monolith" >>"$RUN/logs/monolith.log" 2>&1 &
  echo $! > "$RUN/pids/monolith.pid"
)
check "monolith ready on the same database" ready "$MONO_PORT"
check "nginx re-pointed at the monolith" quiet "$SRC/scripts/nginx.sh" reload --dir "$RUN/nginx" \
  --upstreams "127.0.0.1:$MONO_PORT"
sleep 0.5  # old nginx workers finish
check "monolith: the split system's session still works, balance carried over" equal "$(usd_total)" "1000.00"
check "monolith: replayed top-up answers byte-identically" equal "$(topup k-1)" "$FIRST"
check "monolith: ... and is not applied twice" equal "$(usd_total)" "1000.00"
SECOND=$(topup k-2)
check "monolith: a new top-up applies" equal "$(usd_total)" "2000.00"

# 3. Roll forward again: the monolith stops, the split services start, nginx back to the gateway.
check "monolith stops gracefully" stop_pid monolith
check "split system starts again" quiet "$SRC/scripts/run.sh" background "$BUILD"
check "nginx re-pointed at the gateway" quiet "$SRC/scripts/nginx.sh" reload --dir "$RUN/nginx" \
  --upstreams "127.0.0.1:$GATEWAY_PORT"
sleep 0.5
check "split again: balance carried over" equal "$(usd_total)" "2000.00"
check "split again: both replays answer byte-identically" equal "$(topup k-1)$(topup k-2)" "$FIRST$SECOND"
check "split again: ... and apply nothing" equal "$(usd_total)" "2000.00"
check "split again: the ledger audit is clean" quiet env $(cat "$RUN/infra/env") "$BUILD/src/cmd/tradeledger" audit
echo "nginx_switch_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
