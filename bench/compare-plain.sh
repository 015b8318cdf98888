#!/usr/bin/env bash
# Two builds of the gateway side by side on the plain (migrated) path: both run at once, wrk loads one at a time in
# alternating rounds, so that the machine's drift over a run falls on both alike. Prints req/s and the gateway's CPU
# per request (from /proc) for every round; compare the medians.
#
#   bench/compare-plain.sh BEFORE.jar AFTER.jar [ROUNDS]
#
# The gateway runs on CPU 0, nginx (the backend) and wrk on CPU 1, as bench/run.sh lays them out on two cores.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
[ $# -ge 2 ] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
before=$(realpath "$1"); after=$(realpath "$2"); rounds=${3:-10}
for tool in nginx wrk taskset; do
  command -v "$tool" >/dev/null || { echo "compare-plain: $tool is missing; install the Debian packages nginx wrk util-linux"; exit 1; }
done
work=$(mktemp -d); pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
backend=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$backend;
    location / { default_type application/json; return 200 '{"bench":"backend","id":42,"status":"NEW","total":12.50}'; }
  }
}
CONF
cat > "$work/routes.yaml" <<ROUTES
backends:
  app: { url: "http://127.0.0.1:$backend" }
  legacy: { url: "http://127.0.0.1:$backend" }
defaultBackend: legacy
routes:
  - id: plain
    paths: [/api/plain/**]
    backend: app
    stage: migrated
ROUTES
taskset -c 1 nginx -c "$work/nginx.conf"
declare -A port pid
for side in before after; do
  port[$side]=$(free_port)
  jar=$before; [ "$side" = after ] && jar=$after
  taskset -c 0 java -Xmx256m -jar "$jar" --server.port="${port[$side]}" --management.server.port="$(free_port)" \
    --strangler.routes-file="$work/routes.yaml" >"$work/$side.log" 2>&1 &
  pid[$side]=$!; pids+=("$!")
done
for side in before after; do
  for _ in $(seq 90); do curl -sf -o /dev/null "http://127.0.0.1:${port[$side]}/api/plain/orders/42" && break; sleep 1; done
done
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))
for side in before after; do taskset -c 1 wrk -t1 -c64 -d60s "http://127.0.0.1:${port[$side]}/api/plain/orders/42" >/dev/null; done
for r in $(seq "$rounds"); do
  for side in before after; do
    c0=$(cpu "${pid[$side]}")
    out=$(taskset -c 1 wrk -t1 -c64 -d15s "http://127.0.0.1:${port[$side]}/api/plain/orders/42")
    c1=$(cpu "${pid[$side]}")
    requests=$(echo "$out" | awk '/requests in/{print $1}')
    printf 'round %2d %-6s %9s req/s  %4d us CPU per request  %s\n' "$r" "$side" "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
      $(( (c1 - c0) * tick_us / requests )) "$(echo "$out" | grep -E 'Non-2xx|Socket errors' || echo 'no errors')"
  done
done
