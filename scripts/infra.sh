#!/usr/bin/env bash
# Private PostgreSQL 15 and Redis 7 on loopback, data under a project folder.
#   scripts/infra.sh start [--dir D] [--pg-port P] [--redis-port R]   start (or reuse) both, wait until they answer
#   scripts/infra.sh stop  [--dir D]                                  stop both cleanly
#   scripts/infra.sh stop-redis|start-redis|stop-pg|start-pg [--dir D] one server (failure tests)
#   scripts/infra.sh env   [--dir D]                                  print POSTGRES_URL / REDIS_URL
#   scripts/infra.sh drop-test-databases [--dir D]                    drop the tests' t_* databases
#   scripts/infra.sh destroy [--dir D]   stop both and delete their data (keeps postgres.log in D)
# Ports "auto" pick free ones (used by tests). PostgreSQL runs as the unprivileged user
# 'microcoin' when the caller is root, because postgres refuses to run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="$ROOT/.run/infra"
PG_PORT=5433
REDIS_PORT=6380
cmd=${1:-}; shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR=$2; shift 2 ;;
    --pg-port) PG_PORT=$2; shift 2 ;;
    --redis-port) REDIS_PORT=$2; shift 2 ;;
    *) echo "infra.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
PGBIN=/usr/lib/postgresql/15/bin
RUN_USER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then RUN_USER=microcoin; fi

as_run_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below the kernel's ephemeral range: a port found free there can become the local port of
# any outgoing connection (the tests make thousands) before the server binds it.
pick_port() {
  local p low=32768
  read -r low _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if [ "$low" -le 21000 ]; then low=32768; fi
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % (low - 20000) ))
    # MC_AVOID_PORTS: ports the caller has handed to services that have not bound them yet.
    case " ${MC_AVOID_PORTS:-} " in *" $p "*) continue ;; esac
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "infra.sh: no free port found" >&2; return 1
}

# Remembered ports let `start` reuse running servers and `env` print their URLs.
state_file() { echo "$DIR/ports"; }

ensure_run_user() {
  if [ "$(id -u)" -eq 0 ] && ! id "$RUN_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
  fi
}

# PostgreSQL's files live in $DIR/pg. When root runs this from a checkout the unprivileged
# user cannot reach (under /root, or a mode-0700 temp dir), they live in a folder of that
# user's own, named after $DIR, so every checkout still gets its own cluster. That folder
# names its owner ($DIR) in a file 'owner'. Temporary runs delete it with `destroy`; one whose
# $DIR was deleted without that (its cleanup killed half-way) is found and removed by the next
# `start`: each holds up to ~1 GB. (A run killed outright keeps its $DIR, and so its cluster,
# until that folder is deleted.)
PG_OUTSIDE=/var/tmp/microcoin-pg
pg_root() {
  if [ "$(id -u)" -eq 0 ] && ! runuser -u "$RUN_USER" -- test -x "$DIR" 2>/dev/null; then
    echo "$PG_OUTSIDE/$(printf '%s' "$DIR" | md5sum | cut -c1-16)"
  else
    echo "$DIR"
  fi
}
# Made by the commands that start PostgreSQL only: reading commands (env, pids) after a
# `destroy` must not bring the folder back.
make_pg_root() {
  mkdir -p "$PGROOT"
  if [ "$PGROOT" != "$DIR" ] && [ ! -f "$PGROOT/owner" ]; then
    printf '%s\n' "$DIR" > "$PGROOT/owner.$$" && mv "$PGROOT/owner.$$" "$PGROOT/owner"
  fi
}
# The postmaster of data directory $1, if one runs: postmaster.pid may be stale (a crash, a
# full disk), and its pid since reused, so the process's own working directory must be $1.
live_postmaster() {
  local pid
  pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid" && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$1" ] \
    && echo "$pid"
}
# Clusters under $PG_OUTSIDE whose owner folder no longer exists: stopped and deleted. A
# folder without an 'owner' file is left alone (it may be one that a parallel start has just
# made). Housekeeping only: whatever goes wrong here (a parallel destroy or sweep deleting the
# same folder first) must not fail the start.
sweep_orphans() {
  local root owner pid
  for root in "$PG_OUTSIDE"/*/; do
    root=${root%/}
    owner=$(cat "$root/owner" 2>/dev/null) || continue
    [ -n "$owner" ] && [ ! -e "$owner" ] || continue
    if pid=$(live_postmaster "$root/pg"); then
      as_run_user "$PGBIN/pg_ctl" -D "$root/pg" -m immediate -w -t 60 stop >/dev/null 2>&1 \
        || kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && continue  # still running: its files stay until a later sweep
    fi
    rm -rf "$root"
  done
}
load_ports() { if [ -f "$(state_file)" ]; then . "$(state_file)"; fi; }

pg_running() { [ -f "$PGDATA/postmaster.pid" ] && as_run_user "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
redis_running() { [ -f "$DIR/redis.pid" ] && alive "$(cat "$DIR/redis.pid")"; }

start_pg() {
  if pg_running; then return 0; fi
  make_pg_root
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    if [ "$(id -u)" -eq 0 ]; then chown "$RUN_USER" "$PGROOT" "$PGDATA"; fi
    as_run_user "$PGBIN/initdb" -D "$PGDATA" -U microcoin --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { echo "infra.sh: initdb failed, see $DIR/initdb.log" >&2; return 1; }
  fi
  if [ "$(id -u)" -eq 0 ]; then chown "$RUN_USER" "$PGROOT"; fi
  # TCP only (no Unix socket): a deep checkout path would exceed the socket path limit.
  # Durable (fsync, synchronous_commit) and tuned for TradeLedger's write-heavy load, ~5 KB of
  # WAL per order: lz4 WAL compression (full-page images after a checkpoint dominate the WAL),
  # checkpoints spread far apart (each one was a latency spike of 100+ ms on this disk), no
  # JIT (it only pays off for long analytical queries; an OLTP statement pays its compile).
  as_run_user "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGROOT/postgres.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories='' \
     -c max_connections=300 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on \
     -c wal_buffers=16MB -c wal_compression=lz4 -c max_wal_size=8GB -c min_wal_size=1GB \
     -c checkpoint_timeout=30min -c checkpoint_completion_target=0.9 -c jit=off -c wal_init_zero=off \
     -c log_min_messages=warning" >/dev/null \
    || { echo "infra.sh: postgres did not start, see $PGROOT/postgres.log" >&2; return 1; }
  for _ in $(seq 1 100); do
    if "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then break; fi
    sleep 0.1
  done
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U microcoin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='microcoin'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U microcoin -d postgres -qc "CREATE DATABASE microcoin" >/dev/null
  fi
}

start_redis() {
  if redis_running; then return 0; fi
  : > "$DIR/redis.log"  # this start's lines only: an abort below is this start's
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$DIR" \
    --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save "" \
    --appendonly yes --appendfsync everysec >/dev/null
  # Up to 20 s: under a parallel test run a cold start can take seconds.
  for _ in $(seq 1 200); do
    if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then return 0; fi
    if grep -q 'aborting' "$DIR/redis.log" 2>/dev/null; then break; fi  # e.g. the port is taken
    sleep 0.1
  done
  echo "infra.sh: redis did not start on port $REDIS_PORT; $DIR/redis.log ends:" >&2
  tail -n 5 "$DIR/redis.log" >&2 2>/dev/null || true
  return 1
}

stop_pg() {
  # The shutdown checkpoint writes every dirty buffer (up to shared_buffers, 256 MB): on a disk
  # other jobs are also writing that took over pg_ctl's default 60 s.
  if pg_running; then as_run_user "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 300 stop >/dev/null; fi
}
stop_redis() {
  if redis_running; then
    local pid; pid=$(cat "$DIR/redis.pid")
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.05; done
  fi
  rm -f "$DIR/redis.pid"
}

resolve_ports() {
  load_ports
  if [ "$PG_PORT" = auto ]; then PG_PORT=$(pick_port); fi
  if [ "$REDIS_PORT" = auto ]; then REDIS_PORT=$(pick_port); fi
}

print_env() {
  load_ports
  echo "POSTGRES_URL=postgresql://microcoin@127.0.0.1:$PG_PORT/microcoin"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

ensure_run_user
PGROOT=$(pg_root)
PGDATA="$PGROOT/pg"

case "$cmd" in
  start)
    if [ "$(id -u)" -eq 0 ]; then sweep_orphans || true; fi
    redis_port_auto=false pg_port_auto=false
    if [ "$REDIS_PORT" = auto ]; then redis_port_auto=true; fi
    if [ "$PG_PORT" = auto ]; then pg_port_auto=true; fi
    if pg_running || redis_running; then load_ports; else resolve_ports; fi
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" > "$(state_file)"
    if ! start_pg; then
      # As for redis below: a port taken between the check and the bind, on an automatic port.
      "$pg_port_auto" && tail -n 20 "$PGROOT/postgres.log" | grep -q 'could not create any TCP' \
        || exit 1
      PG_PORT=$(pick_port)
      printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" > "$(state_file)"
      start_pg
    fi
    if ! start_redis; then
      # A port found free can be taken before redis binds it (tests start servers in
      # parallel): when redis aborted on an automatic port, pick another one once. (A redis
      # that is only slow may still come up: never start a second one next to it.)
      "$redis_port_auto" && grep -q 'aborting' "$DIR/redis.log" || exit 1
      rm -f "$DIR/redis.pid"
      REDIS_PORT=$(pick_port)
      printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" > "$(state_file)"
      start_redis
    fi
    print_env > "$DIR/env"
    ;;
  stop) load_ports; stop_redis; stop_pg ;;
  destroy)  # what a temporary run (tests, benchmarks) calls on its way out
    load_ports; stop_redis; stop_pg
    rm -rf "$PGDATA" "$DIR/appendonlydir"
    if [ "$PGROOT" != "$DIR" ]; then
      if [ -f "$PGROOT/postgres.log" ]; then mv "$PGROOT/postgres.log" "$DIR/postgres.log"; fi
      rm -rf "$PGROOT"
    fi ;;
  stop-redis) load_ports; stop_redis ;;
  start-redis) load_ports; start_redis ;;
  stop-pg) load_ports; stop_pg ;;
  start-pg) load_ports; start_pg ;;
  env) print_env ;;
  drop-test-databases)  # left by test processes that died before dropping their own (t_*)
    load_ports
    psql "postgresql://microcoin@127.0.0.1:$PG_PORT/microcoin" -qAtc \
      "SELECT datname FROM pg_database WHERE datname LIKE 't\_%'" |
      while read -r db; do
        psql "postgresql://microcoin@127.0.0.1:$PG_PORT/microcoin" -qc \
          "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null || true
      done ;;
  pids)  # the server processes, for tests that check nothing is left behind
    if [ -f "$PGDATA/postmaster.pid" ]; then head -1 "$PGDATA/postmaster.pid"; fi
    if [ -f "$DIR/redis.pid" ]; then cat "$DIR/redis.pid"; fi ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
