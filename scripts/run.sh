#!/usr/bin/env bash
# Starts the local system: private PostgreSQL + Redis (scripts/infra.sh), then the services.
#   scripts/run.sh foreground BUILD_DIR   run until Ctrl-C, then stop everything
#   scripts/run.sh background BUILD_DIR   start and return (pids under .run/)
#   scripts/run.sh stop                   stop services, then PostgreSQL and Redis
#   scripts/run.sh destroy                stop, then delete the servers' data (temporary runs)
# MC_MODE=monolith runs the single-process monolith on :8080 instead of the three services.
# Each service applies its own schema migrations at start (advisory-locked, idempotent).
# MC_RUN_DIR (default .run/) holds pids, logs, secrets and the infra data; MC_PG_PORT and
# MC_REDIS_PORT (defaults 5433, 6380, or "auto") place the private servers; tests use these.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR=${MC_RUN_DIR:-$ROOT/.run}
INFRA=("$ROOT/scripts/infra.sh")
INFRA_ARGS=(--dir "$RUN_DIR/infra")
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
mode=${1:-}
BUILD_DIR=${2:-build/release}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
mkdir -p "$PID_DIR" "$LOG_DIR"

# A process counts as running unless it is gone or a zombie (orphans may wait to be reaped).
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

stop_services() {
  local pids=()
  for f in "$PID_DIR"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
    rm -f "$f"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}

if [ "$mode" = stop ] || [ "$mode" = destroy ]; then
  stop_services
  "${INFRA[@]}" "$mode" "${INFRA_ARGS[@]}"
  exit 0
fi
if [ "$mode" != foreground ] && [ "$mode" != background ]; then
  sed -n '2,9p' "$0" >&2; exit 2
fi

stop_all() { stop_services; "${INFRA[@]}" stop "${INFRA_ARGS[@]}"; }
if [ "$mode" = foreground ]; then
  # Set before anything starts, so Ctrl-C during start-up also stops everything.
  trap 'stop_all; exit 0' INT TERM
fi

"${INFRA[@]}" start "${INFRA_ARGS[@]}" --pg-port "${MC_PG_PORT:-5433}" --redis-port "${MC_REDIS_PORT:-6380}"
set -a
. "$RUN_DIR/infra/env"
set +a
# Development secrets: random per checkout, kept under .run/ (never committed).
if [ ! -f "$RUN_DIR/secrets" ]; then
  printf 'JWT_SECRET=%s\nSERVICE_JWT_SECRET=%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$RUN_DIR/secrets"
fi
set -a
. "$RUN_DIR/secrets"
: "${GATEWAY_PORT:=8080}" "${QUOTES_PORT:=8081}" "${TRADE_LEDGER_PORT:=8082}"
: "${TRADE_LEDGER_URL:=http://127.0.0.1:$TRADE_LEDGER_PORT}"
: "${MIGRATIONS_DIR:=$ROOT/migrations}"
: "${WEB_ROOT:=$ROOT/web/dist}"  # the console, built by scripts/build-web.sh
set +a

start() {  # name binary
  local name=$1 bin="$BUILD_DIR/src/cmd/$1"
  if [ -f "$PID_DIR/$name.pid" ] && alive "$(cat "$PID_DIR/$name.pid")"; then return 0; fi
  if [ "$mode" = foreground ]; then
    "$bin" > >(sed -u "s/^/[$name] /") 2>&1 &
    echo $! > "$PID_DIR/$name.pid"
  else
    nohup "$bin" >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! > "$PID_DIR/$name.pid"
  fi
}

wait_healthy() {  # name port
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: $1 did not become healthy on :$2 (see $LOG_DIR/$1.log); stopping everything" >&2
  stop_all
  exit 1
}

if [ "${MC_MODE:-services}" = monolith ]; then
  start monolith; wait_healthy monolith "$GATEWAY_PORT"
else
  start tradeledger; wait_healthy tradeledger "$TRADE_LEDGER_PORT"
  start quotes; wait_healthy quotes "$QUOTES_PORT"
  start gateway; wait_healthy gateway "$GATEWAY_PORT"
fi
echo "MicroCoin is up: gateway :$GATEWAY_PORT, quotes :$QUOTES_PORT, tradeledger :$TRADE_LEDGER_PORT"

if [ "$mode" = foreground ]; then
  # Stay up while every service runs; if one dies (or `make down` stopped them), stop the rest.
  while true; do
    for f in "$PID_DIR"/*.pid; do
      if [ ! -e "$f" ] || ! alive "$(cat "$f")"; then
        echo "run.sh: a service exited; stopping everything" >&2
        stop_all; exit 1
      fi
    done
    sleep 1
  done
fi
