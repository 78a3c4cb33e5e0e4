#!/usr/bin/env bash
# The real thing behind scripts/nginx.sh: the split system started as `make up` does
# (scripts/run.sh, private PostgreSQL/Redis, free ports), a second gateway replica, and nginx
# in front of both. Checks HTTP and a /ws/quotes WebSocket through nginx, that both replicas
# serve, that X-Request-ID comes back, and that SIGKILL of one replica costs no request.
#   nginx_gateways_test.sh SOURCE_DIR BUILD_DIR     (binaries in BUILD_DIR/src/cmd)
set -uo pipefail
SRC=$1; BUILD=$2
RUN=$(mktemp -d /tmp/mc-nginx-gw.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto
. "$SRC/scripts/lib/common.sh"  # distinct_port: free ports, also kept from infra.sh
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT GW2_PORT LB_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$SRC/migrations BIND_ADDRESS=127.0.0.1
passed=0; failed=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
cleanup() {
  "$SRC/scripts/nginx.sh" stop --dir "$RUN/nginx" >/dev/null 2>&1
  "$SRC/scripts/run.sh" destroy >/dev/null 2>&1  # also stops gateway2: its pid file is in $RUN/pids
  if [ "$failed" -eq 0 ]; then rm -rf "$RUN"; else echo "files kept in $RUN"; fi
}
trap cleanup EXIT

quiet() { "$@" >/dev/null; }
check "split system starts" quiet "$SRC/scripts/run.sh" background "$BUILD"
# The second replica: same environment as the first (run.sh's infra env and secrets), own port.
(
  set -a; . "$RUN/infra/env"; . "$RUN/secrets"; set +a
  export GATEWAY_PORT=$GW2_PORT TRADE_LEDGER_URL=http://127.0.0.1:$TRADE_LEDGER_PORT
  nohup "$BUILD/src/cmd/gateway" >>"$RUN/logs/gateway2.log" 2>&1 &
  echo $! > "$RUN/pids/gateway2.pid"
)
ready() { for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
check "second gateway ready" ready "$GW2_PORT"
check "quotes ready (a fresh snapshot for the WebSocket)" ready "$QUOTES_PORT"
check "nginx starts in front of both" quiet "$SRC/scripts/nginx.sh" start --dir "$RUN/nginx" --port "$LB_PORT" \
  --upstreams "127.0.0.1:$GATEWAY_PORT,127.0.0.1:$GW2_PORT"

get_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$LB_PORT$1")" = 200 ]; }
all_ok() { for _ in $(seq 1 "$1"); do get_ok /api/quotes || return 1; done; }
check "GET /api/quotes through nginx, 20 times" all_ok 20
both_served() {
  grep -q "\"upstream\":\"127.0.0.1:$GATEWAY_PORT\"" "$RUN/nginx/access.log" &&
    grep -q "\"upstream\":\"127.0.0.1:$GW2_PORT\"" "$RUN/nginx/access.log"
}
check "both gateway replicas served requests" both_served
id_echoed() {
  curl -s -D - -o /dev/null -H 'X-Request-ID: nginx-gw-test-1' "http://127.0.0.1:$LB_PORT/api/quotes" |
    tr -d '\r' | grep -qi '^x-request-id: nginx-gw-test-1$'
}
check "the gateway answers with the client's X-Request-ID through nginx" id_echoed
check "WebSocket /ws/quotes through nginx: 101 and a quote frame" python3 - "$LB_PORT" <<'PY'
import base64, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /ws/quotes HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
f = s.makefile("rb")
status = f.readline().decode()
while f.readline().strip():
    pass
if " 101 " not in status:
    sys.exit(f"  upgrade answered {status.strip()}")
b0, b1 = f.read(2)
n = b1 & 0x7F
if n == 126:
    n = int.from_bytes(f.read(2), "big")
elif n == 127:
    n = int.from_bytes(f.read(8), "big")
payload = f.read(n).decode()
if b0 & 0x0F != 1 or "BTC-USD" not in payload:
    sys.exit(f"  first frame: opcode {b0 & 0x0F}, {payload[:200]!r}")
PY

kill -KILL "$(cat "$RUN/pids/gateway2.pid")"
check "with one replica SIGKILLed, 20 more requests all succeed" all_ok 20
echo "nginx_gateways_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
