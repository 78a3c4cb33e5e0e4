# Sourced by the bench and chaos scripts and the tests that start the system (not run on its
# own): where the build is, that what they run is built, and free loopback ports for the
# services they start.

# absolute_build_dir ROOT DIR: DIR as given when absolute, else relative to the repository.
absolute_build_dir() {
  case "$2" in /*) echo "$2" ;; *) echo "$1/$2" ;; esac
}

# require_built WHO BINARY...: exits 1 naming the first binary that is missing.
require_built() {
  local who=$1 bin
  shift
  for bin in "$@"; do
    [ -x "$bin" ] || { echo "$who: $bin not built" >&2; exit 1; }
  done
}

# A port nothing listens on, below the ephemeral range (32768 up), where outgoing connections
# cannot take it first.
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo "$p"; return; }
  done
}

# distinct_port VAR...: sets each VAR to a free port that no earlier call handed out (free_port
# alone may return one twice before anything listens on it). The ports are exported in
# MC_AVOID_PORTS, which scripts/infra.sh's automatic ports also avoid: nothing listens on
# them yet when PostgreSQL and Redis start.
export MC_AVOID_PORTS=${MC_AVOID_PORTS:-}
distinct_port() {
  local var p
  for var in "$@"; do
    while :; do
      p=$(free_port)
      case " $MC_AVOID_PORTS " in *" $p "*) ;; *) break ;; esac
    done
    MC_AVOID_PORTS+=" $p"
    printf -v "$var" '%s' "$p"
  done
}
