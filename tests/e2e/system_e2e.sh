#!/usr/bin/env bash
# End-to-end: the three services started the way `make up` starts them (scripts/run.sh), on
# free ports with a private run folder. Checks /healthz on all three, that /readyz fails when
# PostgreSQL or Redis stops and recovers when they return, and that stopping leaves nothing.
#   system_e2e.sh SOURCE_DIR BUILD_DIR [monolith]
set -uo pipefail
SRC=$1; BUILD=$2; MODE=${3:-services}
RUN=$(mktemp -d /tmp/mc-e2e.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=$MODE
. "$SRC/scripts/lib/common.sh"  # distinct_port: free ports, also kept from infra.sh
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$SRC/migrations BIND_ADDRESS=127.0.0.1
passed=0; failed=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
status_of() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2"; }
eventually_status() {  # port path expected: polls up to 10 s (readiness checks cache nothing, but pools reconnect lazily)
  for _ in $(seq 1 100); do [ "$(status_of "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
  echo "  $1$2 answered $(status_of "$1" "$2"), wanted $3"; return 1
}
cleanup() { "$SRC/scripts/run.sh" destroy >/dev/null 2>&1; rm -rf "$RUN"; }
trap cleanup EXIT

if [ "$MODE" = monolith ]; then ports=("$GATEWAY_PORT"); db_ports=("$GATEWAY_PORT"); else
  ports=("$GATEWAY_PORT" "$QUOTES_PORT" "$TRADE_LEDGER_PORT"); db_ports=("$GATEWAY_PORT" "$TRADE_LEDGER_PORT"); fi

check "system starts" "$SRC/scripts/run.sh" background "$BUILD"
for p in "${ports[@]}"; do
  check "healthz :$p" eventually_status "$p" /healthz 200
  check "readyz :$p" eventually_status "$p" /readyz 200
  check "metrics :$p" eventually_status "$p" /metrics 200
done
check "gateway /health shape" bash -c "curl -s http://127.0.0.1:$GATEWAY_PORT/health | grep -q '\"status\":\"healthy\"'"
# The public API contract (tests/e2e/contract): the same tests against both shapes.
check "API contract ($MODE)" "$BUILD/tests/e2e/e2e_api_contract" --gtest_brief=1

"$SRC/scripts/infra.sh" stop-pg --dir "$RUN/infra" >/dev/null
for p in "${db_ports[@]}"; do check "readyz :$p fails without PostgreSQL" eventually_status "$p" /readyz 503; done
"$SRC/scripts/infra.sh" start-pg --dir "$RUN/infra" >/dev/null
for p in "${db_ports[@]}"; do check "readyz :$p recovers with PostgreSQL" eventually_status "$p" /readyz 200; done

"$SRC/scripts/infra.sh" stop-redis --dir "$RUN/infra" >/dev/null
for p in "${ports[@]}"; do check "readyz :$p fails without Redis" eventually_status "$p" /readyz 503; done
"$SRC/scripts/infra.sh" start-redis --dir "$RUN/infra" >/dev/null
for p in "${ports[@]}"; do check "readyz :$p recovers with Redis" eventually_status "$p" /readyz 200; done

pids="$(cat "$RUN"/pids/*.pid 2>/dev/null) $("$SRC/scripts/infra.sh" pids --dir "$RUN/infra")"
check "stop" "$SRC/scripts/run.sh" stop
# Gone or a zombie awaiting its reaper (orphans are reparented; some init processes reap late).
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
for pid in $pids; do check "process $pid gone" gone "$pid"; done
for p in "${ports[@]}"; do check "port $p closed" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null"; done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
