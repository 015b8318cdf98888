#!/usr/bin/env bash
# The benchmark of issue 6: the gateway against a direct call, nginx and stock Spring Cloud Gateway.
#
#   bench/run.sh                 full run (40 to 60 minutes): bench/results/results.{md,json}
#   bench/run.sh --smoke         a few seconds per case, to check the harness: bench/results/smoke/
#   bench/run.sh --profile       JFR of the gateway under load, summarised: bench/results/profile/
#   bench/run.sh --stages        only the migration stages (canary, guarded, shadow) beside nginx: bench/results/stages/
#   bench/run.sh --jmh [ARGS]    JMH benchmark of the route lookup alone: bench/results/jmh/
#
# Other options go to the harness: --runs N, --warmup S, --duration S, --out DIR, --pin split|none.
# --skip-gateway-build uses gateway-app/target/gateway-app.jar as it is (the smoke test does, after the reactor built it).
# BENCH_GATEWAY_JAVA_OPTS adds JVM options to the gateway after the image's JAVA_TOOL_OPTIONS, which name the serial
# collector, e.g. BENCH_GATEWAY_JAVA_OPTS="-XX:-UseSerialGC -XX:+UseParallelGC".
set -euo pipefail

# nginx lives in /usr/sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"

mode=harness
smoke=false
build_gateway=true
harness_args=()
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jmh) mode=jmh; shift; jmh_args=("$@"); break ;;
    --smoke) smoke=true; harness_args+=("$1") ;;
    --skip-gateway-build) build_gateway=false ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) harness_args+=("$1") ;;
  esac
  shift
done
for a in "${jmh_args[@]+"${jmh_args[@]}"}"; do
  [ "$a" = "--smoke" ] && smoke=true
done

log() { printf 'bench: %s\n' "$*"; }

# Debian packages the harness runs: the load generator, the backend and the reference proxy, and taskset.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]}; install them as root: apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v java >/dev/null || { log "java (17+) is not on PATH; install the Debian package openjdk-17-jdk-headless"; exit 1; }
command -v mvn >/dev/null || { log "mvn is not on PATH; install the Debian package maven"; exit 1; }
log "nproc: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

cd "$ROOT"
if [ "$mode" = jmh ]; then
  # The benchmark links gateway-app's classes (gateway-app-lib.jar), so they must be in the local repository.
  log "building gateway-app (install, for its lib jar) and the JMH benchmark"
  mvn -B -q -DskipTests -pl gateway-app -am install
  mvn -B -q -f bench/pom.xml -pl route-lookup-jmh -am package
  out="$BENCH_DIR/results/jmh"
  mkdir -p "$out"
  if [ ${#jmh_args[@]} -eq 0 ] || { [ ${#jmh_args[@]} -eq 1 ] && [ "$smoke" = true ]; }; then
    if [ "$smoke" = true ]; then
      jmh_args=(-f 1 -wi 1 -w 1s -i 1 -r 1s -p routes=1,10000)
    else
      jmh_args=()
    fi
    jmh_args+=(-rf json -rff "$out/route-lookup.json")
  fi
  java -jar bench/route-lookup-jmh/target/route-lookup-jmh.jar "${jmh_args[@]}" | tee "$out/route-lookup.txt"
  exit "${PIPESTATUS[0]}"
fi

ensure_packages nginx wrk util-linux
if [ "$build_gateway" = true ]; then
  log "building gateway-app"
  mvn -B -q -DskipTests -pl gateway-app -am package
fi
log "building the harness, stock Spring Cloud Gateway and the bare Reactor Netty proxy"
mvn -B -q -f bench/pom.xml -pl harness,stock-scg,reactor-netty-proxy -am package
exec java -Dbench.dir="$BENCH_DIR" -jar "$BENCH_DIR/harness/target/bench-harness.jar" "${harness_args[@]+"${harness_args[@]}"}"
