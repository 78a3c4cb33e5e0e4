#!/usr/bin/env bash
# HTTP server benchmark: mc::http (bench/http/http_hello_server, one I/O thread, access log
# off) against a private nginx (one worker, static file), both on GET /healthz with keep-alive.
# Builds nothing. Usage: scripts/bench-http.sh <path/to/http_hello_server> [seconds] [runs]
# Writes build/bench/http.json {"mc_rps":..,"nginx_rps":..,"ratio":..} (medians over runs).
set -euo pipefail

server_bin=${1:?usage: $0 <path/to/http_hello_server> [seconds] [runs]}
seconds=${2:-10}
runs=${3:-3}
connections=64
repo=$(cd "$(dirname "$0")/.." && pwd)
out_dir="$repo/build/bench"

for tool in wrk nginx taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench-http: $tool not found" >&2; exit 1; }
done
[[ -x $server_bin ]] || { echo "bench-http: $server_bin is not executable" >&2; exit 1; }

# Server on CPU 0 and wrk on CPU 1 when there are two CPUs, so they do not steal each other's.
if [[ $(nproc) -ge 2 ]]; then server_cpu=(taskset -c 0); client_cpu=(taskset -c 1); else server_cpu=(); client_cpu=(); fi

tmp=$(mktemp -d)
chmod 755 "$tmp"  # nginx workers run as www-data when started by root
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- mc::http server
"${server_cpu[@]}" "$server_bin" 0 >"$tmp/mc.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening' "$tmp/mc.out" && break; sleep 0.05; done
mc_port=$(awk '/^listening/ {print $2}' "$tmp/mc.out")
[[ -n $mc_port ]] || { echo "bench-http: server did not start:" >&2; cat "$tmp/mc.out" >&2; exit 1; }

# --- private nginx: one worker, no access log, long keep-alive, a static /healthz
nginx_port=$(free_port)
mkdir -p "$tmp/www" "$tmp/logs"
printf '{"status":"ok"}' >"$tmp/www/healthz"
chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000;
  keepalive_timeout 65s;
  client_body_temp_path $tmp/body;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/www;
    default_type application/json;
  }
}
CONF
"${server_cpu[@]}" nginx -p "$tmp" -c "$tmp/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/healthz" >/dev/null && break; sleep 0.05; done

# On a shared machine req/s depends on how much CPU the server got; requests per CPU-second
# of the server process(es) is the steadier figure, so both are reported.
nginx_worker=$(pgrep -P "${pids[1]}" | head -1)
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
hz=$(getconf CLK_TCK)

run_wrk() {  # $1 port, $2.. server pids; prints "req/s req_per_cpu_s"
  local port=$1; shift
  local before after out
  before=$(cpu_ticks "$@")
  out=$("${client_cpu[@]}" wrk -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$port/healthz")
  after=$(cpu_ticks "$@")
  awk -v ticks=$((after - before)) -v hz="$hz" '
    /requests in/ {n = $1}
    /^Requests\/sec:/ {rps = $2}
    END {printf "%s %.0f\n", rps, (ticks > 0 ? n / (ticks / hz) : 0)}' <<<"$out"
}

# Warm both up, then alternate so background noise hits both alike.
"${client_cpu[@]}" wrk -t1 -c"$connections" -d1s "http://127.0.0.1:$mc_port/healthz" >/dev/null
"${client_cpu[@]}" wrk -t1 -c"$connections" -d1s "http://127.0.0.1:$nginx_port/healthz" >/dev/null
mc_all=(); nginx_all=(); mc_cpu=(); nginx_cpu=()
for i in $(seq "$runs"); do
  read -r rps per_cpu < <(run_wrk "$mc_port" "${pids[0]}")
  mc_all+=("$rps"); mc_cpu+=("$per_cpu")
  read -r rps per_cpu < <(run_wrk "$nginx_port" "$nginx_worker")
  nginx_all+=("$rps"); nginx_cpu+=("$per_cpu")
  echo "run $i: mc ${mc_all[-1]} req/s (${mc_cpu[-1]} req/CPU-s), nginx ${nginx_all[-1]} req/s (${nginx_cpu[-1]} req/CPU-s)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mc_rps=$(median "${mc_all[@]}")
nginx_rps=$(median "${nginx_all[@]}")
ratio=$(awk -v a="$mc_rps" -v b="$nginx_rps" 'BEGIN {printf "%.3f", a/b}')
mc_per_cpu=$(median "${mc_cpu[@]}")
nginx_per_cpu=$(median "${nginx_cpu[@]}")
cpu_ratio=$(awk -v a="$mc_per_cpu" -v b="$nginx_per_cpu" 'BEGIN {printf "%.3f", (b > 0 ? a/b : 0)}')

echo "mc::http  $mc_rps req/s, $mc_per_cpu req/CPU-s"
echo "nginx     $nginx_rps req/s, $nginx_per_cpu req/CPU-s"
echo "ratio     $ratio req/s (goal >= 0.8), $cpu_ratio per CPU-second"
mkdir -p "$out_dir"
printf '{"mc_rps":%s,"nginx_rps":%s,"ratio":%s,"mc_req_per_cpu_s":%s,"nginx_req_per_cpu_s":%s,"cpu_ratio":%s,"connections":%s,"seconds":%s,"runs":%s}\n' \
  "$mc_rps" "$nginx_rps" "$ratio" "$mc_per_cpu" "$nginx_per_cpu" "$cpu_ratio" "$connections" "$seconds" "$runs" >"$out_dir/http.json"
echo "wrote $out_dir/http.json"
