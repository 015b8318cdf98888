#!/usr/bin/env bash
# Runs the whole stack on this machine, without Docker:
#   ./dev.sh up          build what is missing or stale, start everything, wait for health, Ctrl-C stops it all;
#                        a part that dies is reported and the others keep running
#   ./dev.sh stop NAME   stop one part (a fault drill); the others keep running
#   ./dev.sh start NAME  start it again with the same settings and wait until it is healthy
#   ./dev.sh status      show each part, its pid, port and health
#   ./dev.sh logs NAME   follow one part's log
#   ./dev.sh down        stop what an earlier `up` left running
#   ./dev.sh reset       stop everything and delete the local state (monolith database, Dapr state, logs)
# NAME is one of dapr-sidecar-double, legacy-monolith-stub, orders-service, gateway-app.
# Logs and state live in .dev/ (ignored by git). The gateway serves gateway-app/config/routes.yaml:
# edit it and the gateway reloads it live.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEV="$ROOT/.dev"
cd "$ROOT"

# name|port|health URL|jar|other ports it takes
PARTS=(
  "dapr-sidecar-double|3599|http://127.0.0.1:3511/v1.0/healthz|dapr-sidecar-double/target/dapr-sidecar-double.jar|3511 50011 3512 50012"
  "legacy-monolith-stub|8081|http://127.0.0.1:8081/actuator/health/readiness|legacy-monolith-stub/target/legacy-monolith-stub.jar|"
  "orders-service|8082|http://127.0.0.1:8082/actuator/health/readiness|orders-service/target/orders-service.jar|"
  "gateway-app|8080|http://127.0.0.1:9080/actuator/health/readiness|gateway-app/target/gateway-app.jar|9080"
)

say() { printf '%s\n' "$*"; }
field() { cut -d'|' -f"$2" <<<"$1"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { say "dev.sh: '$1' is not installed ($2)"; exit 1; }
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { [ -f "$DEV/pids/$1" ] && cat "$DEV/pids/$1" || true; }

alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

names() { local part; for part in "${PARTS[@]}"; do field "$part" 1; done; }

part_of() {
  local part
  for part in "${PARTS[@]}"; do
    [ "$(field "$part" 1)" = "$1" ] && { printf '%s\n' "$part"; return 0; }
  done
  say "dev.sh: no part named '$1'; name one of: $(names | paste -sd' ' -)" >&2
  return 2
}

stale_modules() {
  local stale=() part name jar src
  for part in "${PARTS[@]}"; do
    name=$(field "$part" 1); jar="$ROOT/$(field "$part" 4)"
    src="$ROOT/$name"
    if [ ! -f "$jar" ] || [ -n "$(find "$src/src" "$src/pom.xml" "$ROOT/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
      stale+=("$name")
    fi
  done
  printf '%s\n' "${stale[@]}"
}

build() {
  local modules
  modules=$(stale_modules | paste -sd, -)
  if [ -n "$modules" ]; then
    need mvn "install Maven: apt-get install maven"
    say "building: $modules"
    mvn -B -q -DskipTests package -pl "$modules" -am
  fi
}

# Each part's command and settings, written once: `up` and `start NAME` both launch a part through here.
launch() {
  local name=$1
  mkdir -p "$DEV/pids" "$DEV/logs" "$DEV/legacy-data"
  rm -f "$DEV/stopped/$name"
  case "$name" in
    dapr-sidecar-double)
      run_part "$name" java -jar dapr-sidecar-double/target/dapr-sidecar-double.jar \
        --resources-path dapr/components --data-file "$DEV/dapr-state.json" --admin-port 3599 \
        --app legacy-monolith=8081,grpc=50011,http=3511 --app orders-service=8082,grpc=50012,http=3512 ;;
    legacy-monolith-stub)
      LEGACY_DATA_DIR="$DEV/legacy-data" DAPR_GRPC_PORT=50011 DAPR_HTTP_PORT=3511 \
        run_part "$name" java -jar legacy-monolith-stub/target/legacy-monolith-stub.jar ;;
    orders-service)
      DAPR_GRPC_PORT=50012 DAPR_HTTP_PORT=3512 \
        run_part "$name" java -jar orders-service/target/orders-service.jar ;;
    gateway-app)
      STRANGLER_ROUTES_FILE="$ROOT/gateway-app/config/routes.yaml" \
        LEGACY_URL=http://127.0.0.1:8081 ORDERS_URL=http://127.0.0.1:8082 \
        run_part "$name" java -jar gateway-app/target/gateway-app.jar ;;
  esac
}

# A part runs in its own session: it outlives the terminal of a `./dev.sh start`, and a Ctrl-C reaches only the
# `up` in front, which then stops every part itself.
run_part() {
  local name=$1; shift
  setsid "$@" >>"$DEV/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DEV/pids/$name"
}

wait_healthy() {
  local name=$1 url=$2 deadline=$((SECONDS + 180))
  while [ $SECONDS -lt $deadline ]; do
    if ! alive "$name"; then
      say "$name exited during start-up; last lines of .dev/logs/$name.log:"
      tail -n 30 "$DEV/logs/$name.log"
      return 1
    fi
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      say "  $name is up"
      return 0
    fi
    sleep 0.5
  done
  say "$name did not become healthy within 180s; see .dev/logs/$name.log"
  return 1
}

ports_free() {
  local part=$1 port busy=()
  for port in $(field "$part" 2) $(field "$part" 5); do
    if port_busy "$port"; then busy+=("$port"); fi
  done
  if [ ${#busy[@]} -gt 0 ]; then
    say "dev.sh: port(s) of $(field "$part" 1) already in use: ${busy[*]}. Stop whatever holds them (ss -ltnp | grep PORT) and try again."
    return 1
  fi
}

# Stops one part and marks it stopped on purpose, so that `up` does not report it as having died.
stop_part() {
  local name=$1 pid
  pid=$(pid_of "$name")
  mkdir -p "$DEV/stopped"
  touch "$DEV/stopped/$name"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped $name"
  fi
  rm -f "$DEV/pids/$name"
}

down() {
  local i
  for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do
    stop_part "$(field "${PARTS[$i]}" 1)"
  done
}

status() {
  local part name port url pid health body
  for part in "${PARTS[@]}"; do
    name=$(field "$part" 1); port=$(field "$part" 2); url=$(field "$part" 3)
    pid=$(pid_of "$name")
    if alive "$name"; then
      if body=$(curl -fsS "$url" 2>/dev/null); then
        health=$(grep -o '"status":"[A-Z_]*"' <<<"$body" | head -1 | cut -d'"' -f4 || true)
        health=${health:-UP}
      else
        health=""
      fi
      printf '%-22s pid %-7s port %-5s %s\n' "$name" "$pid" "$port" "${health:-not answering}"
    elif [ -n "$pid" ]; then
      printf '%-22s died (see .dev/logs/%s.log; ./dev.sh start %s)\n' "$name" "$name" "$name"
    else
      printf '%-22s stopped\n' "$name"
    fi
  done
}

start() {
  local part name
  part=$(part_of "$1") || exit 2
  name=$(field "$part" 1)
  if alive "$name"; then say "$name is already running (pid $(pid_of "$name"))"; return 0; fi
  need setsid "apt-get install util-linux"
  ports_free "$part" || exit 1
  build
  say "starting $name (log: .dev/logs/$name.log)"
  launch "$name"
  wait_healthy "$name" "$(field "$part" 3)" || exit 1
}

stop() {
  local part
  part=$(part_of "$1") || exit 2
  stop_part "$(field "$part" 1)"
}

# Reports a part that died or was stopped, and one that came back, once each; never stops the others.
# Ends when every part was stopped on purpose (./dev.sh down in another terminal).
supervise() {
  local part name running stopped
  local -A reported=()
  while true; do
    running=0; stopped=0
    for part in "${PARTS[@]}"; do
      name=$(field "$part" 1)
      if alive "$name"; then
        running=$((running + 1))
        if [ -n "${reported[$name]:-}" ]; then
          unset "reported[$name]"
          say "$name is running again (pid $(pid_of "$name"))"
        fi
        continue
      fi
      [ -f "$DEV/stopped/$name" ] && stopped=$((stopped + 1))
      [ -n "${reported[$name]:-}" ] && continue
      reported[$name]=1
      if [ -f "$DEV/stopped/$name" ]; then
        say "$name was stopped; the others keep running (./dev.sh start $name brings it back)"
      else
        say "$name died; the others keep running. Last lines of .dev/logs/$name.log:"
        tail -n 10 "$DEV/logs/$name.log" | sed 's/^/  | /'
        say "./dev.sh start $name starts it again."
      fi
    done
    if [ "$running" -eq 0 ] && [ "$stopped" -eq ${#PARTS[@]} ]; then
      say "every part was stopped"
      return 0
    fi
    sleep 1
  done
}

up() {
  need java "install Java 17: apt-get install openjdk-17-jdk-headless"
  need curl "apt-get install curl"
  need setsid "apt-get install util-linux"
  local part name
  for part in "${PARTS[@]}"; do
    name=$(field "$part" 1)
    if alive "$name"; then say "$name is already running (pid $(pid_of "$name")); run ./dev.sh down first"; exit 1; fi
  done
  for part in "${PARTS[@]}"; do ports_free "$part" || exit 1; done
  build
  rm -rf "$DEV/stopped"
  trap 'say ""; say "stopping..."; down; exit 0' INT TERM
  trap 'down' EXIT

  say "starting (logs in .dev/logs/):"
  say "  the Dapr sidecar test double stands in for daprd here; docker compose and 'dapr run -f .' run the real one"
  launch dapr-sidecar-double
  wait_healthy dapr-sidecar-double "$(field "${PARTS[0]}" 3)"
  for part in "${PARTS[@]:1}"; do launch "$(field "$part" 1)"; done
  for part in "${PARTS[@]:1}"; do
    wait_healthy "$(field "$part" 1)" "$(field "$part" 3)" || exit 1
  done
  # Orders from before the migration must stay listable through the new service; the backfill copies only
  # what orders-service lacks, so running it on every start is cheap and safe.
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' http://127.0.0.1:8082/actuator/backfill \
    && say "  backfill of legacy orders into orders-service started (progress: curl localhost:8082/actuator/backfill)" \
    || say "  could not start the backfill of legacy orders (POST localhost:8082/actuator/backfill); see .dev/logs/orders-service.log"

  cat <<EOF

Everything is up:
  gateway          http://localhost:8080          (try: curl -i http://localhost:8080/api/orders)
  dashboard        http://localhost:9080/actuator/dashboard
  migration table  http://localhost:9080/actuator/migration
  monolith         http://localhost:8081          (its own UI, bypassing the gateway)
  orders-service   http://localhost:8082
  routes file      gateway-app/config/routes.yaml (edit and save: the gateway reloads it)
A fault drill, from another terminal: ./dev.sh stop orders-service, then ./dev.sh start orders-service.
Ctrl-C stops everything.
EOF
  supervise
}

usage() {
  say "usage: ./dev.sh up | stop NAME | start NAME | status | logs NAME | down | reset"
  say "NAME: $(names | paste -sd' ' -)"
}

case "${1:-}" in
  up) up ;;
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  status) status ;;
  logs) part_of "${2:-}" >/dev/null || exit 2; exec tail -n 50 -F "$DEV/logs/$2.log" ;;
  down) down ;;
  reset) down; rm -rf "$DEV"; say "removed .dev/ (monolith database, Dapr state, logs)" ;;
  *) usage; exit 2 ;;
esac
