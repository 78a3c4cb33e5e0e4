#!/usr/bin/env bash
# Failure tests (issue 12, point 6): the split system as `make up` starts it (scripts/run.sh,
# private PostgreSQL and Redis, free loopback ports), a second gateway replica and nginx in
# front of both (scripts/nginx.sh). Each scenario runs tests/chaos/chaos_client through nginx
# (load with retries under one Idempotency-Key per operation), breaks something while the load
# runs, stops the load, reconciles every acknowledged operation against the API and runs
# `tradeledger audit`:
#   tradeledger_sigkill  SIGKILL TradeLedger and start it again, N times (short 3, long 20)
#   redis_restart        stop Redis, start it again
#   postgres_restart     stop PostgreSQL (fast shutdown), start it again
#   gateway_sigkill      SIGKILL one of the two gateway replicas, start it again
#   rolling_restart      every service restarted one at a time (SIGTERM, start, wait for
#                        /readyz); a gateway is taken out of nginx before its restart and put
#                        back after; success rate must be >= 99.9 %
#   split_monolith_split the rollback of docs/OPERATIONS.md under load, and back
# A scenario passes when lost = duplicated = 0, every key resolved, the audit is clean and the
# services came back. First, the reconciler's self-test: with a lost and a duplicated operation
# injected it must report both (so the checks can fail). Writes a JSON report (per scenario: sent, succeeded, failed, lost,
# duplicated, success_rate, audit, ...); exits 1 if any scenario failed.
#   scripts/chaos.sh short|long [BUILD_DIR] [--out FILE] [--only SCENARIO]
# BUILD_DIR (default build/release) holds src/cmd/{gateway,quotes,tradeledger,monolith} and
# tests/chaos/chaos_client. Default report: build/chaos/report.json. CHAOS_RATE (operations/s),
# CHAOS_PAD (seconds of load before and after each disruption) and CHAOS_TL_KILLS override the
# mode's settings (short: 25, 2, 3; long: 50, 5, 20).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-}
case "$MODE" in short | long) ;; *) sed -n '2,24p' "$0" >&2; exit 2 ;; esac
shift
BUILD=build/release
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then BUILD=$1; shift; fi
OUT=$ROOT/build/chaos/report.json
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "chaos.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
. "$ROOT/scripts/lib/common.sh"
BUILD=$(absolute_build_dir "$ROOT" "$BUILD")
CLIENT=$BUILD/tests/chaos/chaos_client
require_built chaos.sh "$CLIENT" "$BUILD/src/cmd/gateway" "$BUILD/src/cmd/quotes" \
  "$BUILD/src/cmd/tradeledger" "$BUILD/src/cmd/monolith"
mkdir -p "$(dirname "$OUT")"

if [ "$MODE" = short ]; then
  RATE=${CHAOS_RATE:-25} PAD=${CHAOS_PAD:-2} TL_KILLS=${CHAOS_TL_KILLS:-3}
else
  RATE=${CHAOS_RATE:-50} PAD=${CHAOS_PAD:-5} TL_KILLS=${CHAOS_TL_KILLS:-20}
fi

RUN=$(mktemp -d /tmp/mc-chaos.XXXXXX)
export MC_RUN_DIR=$RUN MC_PG_PORT=auto MC_REDIS_PORT=auto MC_MODE=services
distinct_port GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT GW2_PORT MONO_PORT LB_PORT
export GATEWAY_PORT QUOTES_PORT TRADE_LEDGER_PORT
export TRADE_LEDGER_URL=http://127.0.0.1:$TRADE_LEDGER_PORT
export MIGRATIONS_DIR=$ROOT/migrations BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warn HTTP_ACCESS_LOG=false
# One client on one address would otherwise be throttled: the failure tests are about recovery.
export RATE_LIMIT_USER_PER_SEC=1000000 RATE_LIMIT_USER_BURST=1000000 \
  RATE_LIMIT_IP_PER_SEC=1000000 RATE_LIMIT_IP_BURST=1000000 \
  RATE_LIMIT_AUTH_PER_SEC=1000000 RATE_LIMIT_AUTH_BURST=1000000
UPSTREAMS_BOTH=127.0.0.1:$GATEWAY_PORT,127.0.0.1:$GW2_PORT

failed_any=0
client_pid=""
cleanup() {
  if [ -n "$client_pid" ]; then kill -TERM "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null; fi
  "$ROOT/scripts/nginx.sh" stop --dir "$RUN/nginx" >/dev/null 2>&1
  "$ROOT/scripts/run.sh" destroy >/dev/null 2>&1  # every pid file under $RUN/pids, then the infra and its data
  if [ "$failed_any" -eq 0 ]; then rm -rf "$RUN"; else echo "chaos.sh: files kept in $RUN" >&2; fi
}
trap cleanup EXIT
trap 'failed_any=1; exit 130' INT TERM

log() { echo "chaos.sh: $(date -u +%H:%M:%S) $*" >&2; }
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
ready() {  # port [seconds]: /readyz answers 200
  local n=$(( ${2:-90} * 10 ))
  for _ in $(seq 1 "$n"); do
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/readyz")" = 200 ] && return 0
    sleep 0.1
  done
  log "nothing ready on :$1"; return 1
}
start_svc() {  # name binary port: one more process with the run's environment, port overridden
  local name=$1 bin=$2 port=$3
  (
    set -a; . "$RUN/infra/env"; . "$RUN/secrets"; set +a
    case "$bin" in
      gateway | monolith) export GATEWAY_PORT=$port ;;
    esac
    nohup "$BUILD/src/cmd/$bin" >>"$RUN/logs/$name.log" 2>&1 &
    echo $! > "$RUN/pids/$name.pid"
  )
  ready "$port"
}
kill_svc() {  # name signal: signal it, wait until it is gone, forget its pid file
  local f="$RUN/pids/$1.pid" pid
  pid=$(cat "$f" 2>/dev/null) || return 0
  kill -"$2" "$pid" 2>/dev/null
  for _ in $(seq 1 300); do alive "$pid" || { rm -f "$f"; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null; sleep 0.2; rm -f "$f"
  log "$1 ignored SIG$2 for 30 s: killed"; return 1
}
lb() { "$ROOT/scripts/nginx.sh" reload --dir "$RUN/nginx" --upstreams "$1" >/dev/null; }
infra() { "$ROOT/scripts/infra.sh" "$1" --dir "$RUN/infra"; }
all_ready() {
  ready "$TRADE_LEDGER_PORT" && ready "$QUOTES_PORT" && ready "$GATEWAY_PORT" && ready "$GW2_PORT"
}

# --- the disruptions ---------------------------------------------------------------------
tradeledger_sigkill() {
  local i
  for i in $(seq 1 "$TL_KILLS"); do
    kill_svc tradeledger KILL || return 1
    start_svc tradeledger tradeledger "$TRADE_LEDGER_PORT" || return 1
    log "tradeledger SIGKILL $i/$TL_KILLS: back"
    sleep 1
  done
}
redis_restart() {
  infra stop-redis || return 1
  sleep 1
  infra start-redis || return 1
  all_ready
}
postgres_restart() {
  infra stop-pg || return 1
  sleep 1
  infra start-pg || return 1
  all_ready
}
gateway_sigkill() {
  kill_svc gateway2 KILL || return 1
  sleep "$PAD"  # one replica serves alone
  start_svc gateway2 gateway "$GW2_PORT"
}
rolling_restart() {  # one at a time, each back (ready) before the next goes
  kill_svc tradeledger TERM && start_svc tradeledger tradeledger "$TRADE_LEDGER_PORT" || return 1
  kill_svc quotes TERM && start_svc quotes quotes "$QUOTES_PORT" || return 1
  # A gateway leaves nginx first (reload: in-flight requests finish), then restarts.
  lb "127.0.0.1:$GW2_PORT" && sleep 1 || return 1
  kill_svc gateway TERM && start_svc gateway gateway "$GATEWAY_PORT" || return 1
  lb "127.0.0.1:$GATEWAY_PORT" && sleep 1 || return 1
  kill_svc gateway2 TERM && start_svc gateway2 gateway "$GW2_PORT" || return 1
  lb "$UPSTREAMS_BOTH"
}
split_monolith_split() {  # docs/OPERATIONS.md: stop the split system, the monolith takes over
  kill_svc gateway2 TERM && kill_svc gateway TERM && kill_svc quotes TERM &&
    kill_svc tradeledger TERM || return 1
  start_svc monolith monolith "$MONO_PORT" && lb "127.0.0.1:$MONO_PORT" || return 1
  log "monolith serving"
  sleep "$PAD"
  kill_svc monolith TERM || return 1
  start_svc tradeledger tradeledger "$TRADE_LEDGER_PORT" && start_svc quotes quotes "$QUOTES_PORT" &&
    start_svc gateway gateway "$GATEWAY_PORT" && start_svc gateway2 gateway "$GW2_PORT" || return 1
  lb "$UPSTREAMS_BOTH"
  log "split system serving again"
}

# --- one scenario: load, disruption, stop, reconcile, audit --------------------------------
results=()
scenario() {  # name min_success_rate
  local name=$1 min=$2 disrupted=ok audit=clean client_rc
  if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then return 0; fi
  log "== $name =="
  rm -f "$RUN/stop" "$RUN/ready"
  "$CLIENT" --port "$LB_PORT" --label "$name" --rate "$RATE" --stop-file "$RUN/stop" \
    --ready-file "$RUN/ready" --max-seconds 900 --out "$RUN/$name.json" \
    --min-success-rate "$min" >/dev/null &
  client_pid=$!
  for _ in $(seq 1 1200); do [ -e "$RUN/ready" ] || ! alive "$client_pid" && break; sleep 0.1; done
  if [ -e "$RUN/ready" ]; then
    sleep "$PAD"
    "$name" || disrupted=failed
    all_ready || disrupted=failed
    sleep "$PAD"
  else
    disrupted="client setup failed"
  fi
  touch "$RUN/stop"
  wait "$client_pid"; client_rc=$?
  client_pid=""
  if ! (set -a; . "$RUN/infra/env"; set +a; "$BUILD/src/cmd/tradeledger" audit) >"$RUN/$name.audit" 2>&1; then
    audit="FAILED"
    tail -20 "$RUN/$name.audit" >&2
  fi
  [ -s "$RUN/$name.json" ] || echo '{}' >"$RUN/$name.json"
  local verdict=passed
  if [ "$client_rc" -ne 0 ] || [ "$disrupted" != ok ] || [ "$audit" != clean ]; then verdict=FAILED; failed_any=1; fi
  log "$name: $(cat "$RUN/$name.json") disruption=$disrupted audit=$audit -> $verdict"
  results+=("$name" "$disrupted" "$audit" "$verdict" "$min")
}

log "starting the split system, a second gateway and nginx ($MODE mode, run folder $RUN)"
"$ROOT/scripts/run.sh" background "$BUILD" >/dev/null || { failed_any=1; exit 1; }
start_svc gateway2 gateway "$GW2_PORT" || { failed_any=1; exit 1; }
all_ready || { failed_any=1; exit 1; }
"$ROOT/scripts/nginx.sh" start --dir "$RUN/nginx" --port "$LB_PORT" --upstreams "$UPSTREAMS_BOTH" \
  >/dev/null || { failed_any=1; exit 1; }

# The reconciler must be able to fail: with one lost and one duplicated operation injected
# (chaos_client --inject-faults 1) it has to report both and exit non-zero.
selftest=skipped
if [ -z "$ONLY" ]; then
  log "== reconciler self-test (faults injected: must be detected) =="
  rm -f "$RUN/stop" "$RUN/ready"
  (for _ in $(seq 1 1200); do [ -e "$RUN/ready" ] && break; sleep 0.1; done; sleep 2; touch "$RUN/stop") &
  "$CLIENT" --port "$LB_PORT" --label selftest --rate "$RATE" --stop-file "$RUN/stop" \
    --ready-file "$RUN/ready" \
    --max-seconds 60 --out "$RUN/selftest.json" --inject-faults 1 >/dev/null 2>"$RUN/selftest.log"
  rc=$?
  if [ "$rc" = 1 ] && python3 -c 'import json, sys; f = json.load(open(sys.argv[1]))
sys.exit(0 if f["lost"] >= 1 and f["duplicated"] >= 1 else 1)' "$RUN/selftest.json"; then
    selftest=detected
  else
    selftest="NOT detected"; failed_any=1
    cat "$RUN/selftest.log" "$RUN/selftest.json" >&2
  fi
  log "reconciler self-test: $(cat "$RUN/selftest.json" 2>/dev/null) -> $selftest"
fi

t0=$(date +%s)
scenario tradeledger_sigkill 0
scenario redis_restart 0
scenario postgres_restart 0
scenario gateway_sigkill 0
scenario rolling_restart 0.999
scenario split_monolith_split 0

python3 - "$OUT" "$RUN" "$MODE" "$(( $(date +%s) - t0 ))" "$TL_KILLS" "$RATE" "$selftest" "${results[@]}" <<'PY'
import json, os, platform, sys
out, run, mode, seconds, kills, rate, selftest = sys.argv[1:8]
rest = sys.argv[8:]
report = {"mode": mode, "seconds": int(seconds), "offered_ops_per_s": float(rate),
          "reconciler_selftest": selftest,
          "tradeledger_sigkills": int(kills), "cpus": os.cpu_count(),
          "machine": platform.machine(), "scenarios": {}}
passed = True
for i in range(0, len(rest), 5):
    name, disruption, audit, verdict, min_rate = rest[i:i + 5]
    try:
        figures = json.load(open(f"{run}/{name}.json"))
    except (OSError, ValueError):
        figures = {}
    figures.pop("scenario", None)
    figures.update({"audit": audit, "disruption": disruption, "min_success_rate": float(min_rate),
                    "passed": verdict == "passed"})
    report["scenarios"][name] = figures
    passed = passed and verdict == "passed"
report["passed"] = passed and selftest != "NOT detected"
json.dump(report, open(out, "w"), indent=2)
print(f"{'scenario':22} {'sent':>6} {'ok':>6} {'failed':>6} {'lost':>4} {'dup':>4} {'success':>9}  audit")
for name, f in report["scenarios"].items():
    print(f"{name:22} {f.get('sent', 0):6} {f.get('succeeded', 0):6} {f.get('failed', 0):6} "
          f"{f.get('lost', '?'):>4} {f.get('duplicated', '?'):>4} {100 * f.get('success_rate', 0):8.3f}%  "
          f"{f['audit']}{'' if f['passed'] else '  FAILED (' + f['disruption'] + ')'}")
print(f"reconciler self-test (injected loss and duplicate): {selftest}")
print(f"report: {out}")
PY
[ "$failed_any" -eq 0 ]
