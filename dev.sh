#!/usr/bin/env bash
# Runs the whole stack on this machine, without Docker:
#   ./dev.sh up      build what is missing or stale, start everything, wait for health, Ctrl-C stops it all
#   ./dev.sh down    stop what an earlier `up` left running
#   ./dev.sh status  show each part, its pid, port and health
#   ./dev.sh reset   stop everything and delete the local state (monolith database, Dapr state, logs)
# Logs and state live in .dev/ (ignored by git). The gateway serves gateway-app/config/routes.yaml:
# edit it and the gateway reloads it live.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEV="$ROOT/.dev"
cd "$ROOT"

# name|port|health URL|jar
PARTS=(
  "dapr-sidecar-double|3599|http://127.0.0.1:3511/v1.0/healthz|dapr-sidecar-double/target/dapr-sidecar-double.jar"
  "legacy-monolith-stub|8081|http://127.0.0.1:8081/actuator/health/readiness|legacy-monolith-stub/target/legacy-monolith-stub.jar"
  "orders-service|8082|http://127.0.0.1:8082/actuator/health/readiness|orders-service/target/orders-service.jar"
  "gateway-app|8080|http://127.0.0.1:9080/actuator/health/readiness|gateway-app/target/gateway-app.jar"
)
# Ports the sidecar double and the gateway's management side also take.
EXTRA_PORTS=(3511 50011 3512 50012 9080)

say() { printf '%s\n' "$*"; }
field() { cut -d'|' -f"$2" <<<"$1"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { say "dev.sh: '$1' is not installed ($2)"; exit 1; }
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { [ -f "$DEV/pids/$1" ] && cat "$DEV/pids/$1" || true; }

alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

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

start_part() {
  local name=$1; shift
  mkdir -p "$DEV/pids" "$DEV/logs"
  "$@" >"$DEV/logs/$name.log" 2>&1 &
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

down() {
  local part name pid
  for ((i = ${#PARTS[@]} - 1; i >= 0; i--)); do
    name=$(field "${PARTS[$i]}" 1)
    pid=$(pid_of "$name")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $name"
    fi
    rm -f "$DEV/pids/$name"
  done
}

status() {
  local part name port url pid health body
  for part in "${PARTS[@]}"; do
    name=$(field "$part" 1); port=$(field "$part" 2); url=$(field "$part" 3)
    pid=$(pid_of "$name")
    if alive "$name"; then
      if body=$(curl -fsS "$url" 2>/dev/null); then
        health=$(grep -o '"status":"[A-Z_]*"' <<<"$body" | head -1 || true)
        health=${health:-UP}
      else
        health=""
      fi
      printf '%-22s pid %-7s port %-5s %s\n' "$name" "$pid" "$port" "${health:-not answering}"
    else
      printf '%-22s stopped\n' "$name"
    fi
  done
}

up() {
  need java "install Java 17: apt-get install openjdk-17-jdk-headless"
  need curl "apt-get install curl"
  local part name port busy=()
  for part in "${PARTS[@]}"; do
    name=$(field "$part" 1)
    if alive "$name"; then say "$name is already running (pid $(pid_of "$name")); run ./dev.sh down first"; exit 1; fi
    port=$(field "$part" 2); port_busy "$port" && busy+=("$port ($name)")
  done
  for port in "${EXTRA_PORTS[@]}"; do port_busy "$port" && busy+=("$port"); done
  if [ ${#busy[@]} -gt 0 ]; then
    say "dev.sh: port(s) already in use: ${busy[*]}. Stop whatever holds them (ss -ltnp | grep PORT) and try again."
    exit 1
  fi
  build
  mkdir -p "$DEV/legacy-data"
  trap 'say ""; say "stopping..."; down; exit 0' INT TERM
  trap 'down' EXIT

  say "starting (logs in .dev/logs/):"
  say "  the Dapr sidecar test double stands in for daprd here; docker compose and 'dapr run -f .' run the real one"
  start_part dapr-sidecar-double java -jar dapr-sidecar-double/target/dapr-sidecar-double.jar \
    --resources-path dapr/components --data-file "$DEV/dapr-state.json" --admin-port 3599 \
    --app legacy-monolith=8081,grpc=50011,http=3511 --app orders-service=8082,grpc=50012,http=3512
  wait_healthy dapr-sidecar-double "$(field "${PARTS[0]}" 3)"

  LEGACY_DATA_DIR="$DEV/legacy-data" DAPR_GRPC_PORT=50011 DAPR_HTTP_PORT=3511 \
    start_part legacy-monolith-stub java -jar legacy-monolith-stub/target/legacy-monolith-stub.jar
  DAPR_GRPC_PORT=50012 DAPR_HTTP_PORT=3512 \
    start_part orders-service java -jar orders-service/target/orders-service.jar
  STRANGLER_ROUTES_FILE="$ROOT/gateway-app/config/routes.yaml" \
    LEGACY_URL=http://127.0.0.1:8081 ORDERS_URL=http://127.0.0.1:8082 \
    start_part gateway-app java -jar gateway-app/target/gateway-app.jar
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
Ctrl-C stops everything.
EOF
  while true; do
    for part in "${PARTS[@]}"; do
      name=$(field "$part" 1)
      if ! alive "$name"; then
        say "$name stopped unexpectedly; last lines of .dev/logs/$name.log:"
        tail -n 20 "$DEV/logs/$name.log"
        exit 1
      fi
    done
    sleep 2
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  reset) down; rm -rf "$DEV"; say "removed .dev/ (monolith database, Dapr state, logs)" ;;
  *) say "usage: ./dev.sh up | down | status | reset"; exit 2 ;;
esac
