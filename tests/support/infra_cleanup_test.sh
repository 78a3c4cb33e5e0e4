#!/usr/bin/env bash
# scripts/infra.sh leaves no PostgreSQL cluster behind for a temporary run. Run as root from a
# mode-0700 temp dir, the cluster lives outside it (/var/tmp/microcoin-pg/<hash>); `destroy`
# must delete it (keeping postgres.log), and `start` must delete one whose run folder is gone
# (its cleanup killed between deleting the folder and its destroy). Each leaked cluster holds up
# to ~1 GB: they filled a disk.
#   infra_cleanup_test.sh SOURCE_DIR
set -uo pipefail
SRC=$1
INFRA=$SRC/scripts/infra.sh
if [ "$(id -u)" -ne 0 ]; then echo "not root: clusters stay inside the run folder"; exit 77; fi
passed=0; failed=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
# Gone, or a zombie nobody has reaped yet (a stopped server's parent may be pid 1).
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
all_gone() { local pid; for pid in "$@"; do gone "$pid" || return 1; done; }
outside_of() { echo "/var/tmp/microcoin-pg/$(printf '%s' "$1" | md5sum | cut -c1-16)"; }
KEEP=$(mktemp -d /tmp/mc-infra-clean.XXXXXX)   # mode 0700: not reachable by 'microcoin'
GONE=$(mktemp -d /tmp/mc-infra-orphan.XXXXXX)
cleanup() {
  "$INFRA" destroy --dir "$KEEP/infra" >/dev/null 2>&1; rm -rf "$KEEP"
  "$INFRA" destroy --dir "$GONE/infra" >/dev/null 2>&1; rm -rf "$GONE"
}
trap cleanup EXIT

start() { "$INFRA" start --dir "$1" --pg-port auto --redis-port auto >/dev/null; }
pg_answers() { (set -a; . "$1/env"; psql "$POSTGRES_URL" -tAc 'SELECT 1') 2>/dev/null | grep -qx 1; }

check "a run in a 0700 folder starts" start "$KEEP/infra"
check "... its cluster lives outside the folder" test -f "$(outside_of "$KEEP/infra")/pg/PG_VERSION"
check "... which names its owner" grep -qx "$KEEP/infra" "$(outside_of "$KEEP/infra")/owner"
check "... and answers" pg_answers "$KEEP/infra"
servers=$("$INFRA" pids --dir "$KEEP/infra")
check "... with a PostgreSQL and a Redis" test "$(echo $servers | wc -w)" -eq 2
check "destroy succeeds" "$INFRA" destroy --dir "$KEEP/infra"
check "... the cluster is deleted" test ! -e "$(outside_of "$KEEP/infra")"
check "... postgres.log is kept in the run folder" test -s "$KEEP/infra/postgres.log"
check "... its PostgreSQL and Redis are gone" all_gone $servers
check "... and a later read does not bring the folder back" \
  bash -c '"$1" env --dir "$2" >/dev/null && test ! -e "$3"' _ "$INFRA" "$KEEP/infra" \
  "$(outside_of "$KEEP/infra")"

check "a second run starts" start "$GONE/infra"
orphan_pid=$("$INFRA" pids --dir "$GONE/infra" | head -1)
# Its folder deleted without a destroy: the cluster (still running) stays. (Its Redis
# holds no disk; stopped here so that the test leaves no process behind.)
"$INFRA" stop-redis --dir "$GONE/infra" >/dev/null
rm -rf "$GONE"
check "... its cluster outlives its folder" test -d "$(outside_of "$GONE/infra")"
check "the next start (another run) succeeds" start "$KEEP/infra"
check "... and has deleted the orphaned cluster" test ! -e "$(outside_of "$GONE/infra")"
check "... and stopped its postgres" gone "$orphan_pid"
check "... but not its own" pg_answers "$KEEP/infra"

echo "infra_cleanup_test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
