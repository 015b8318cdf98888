#!/usr/bin/env bash
# Lua vs wasm: the per-request cost of the edge filter in each, with the same request profiles
# (requests.json) and the same shape of loop (one request plus its response per iteration, median of ROUNDS
# rounds after a warm-up round). Neither runtime here is Envoy: the Lua runs in LuaJIT (the runtime Envoy
# embeds) with the Envoy harness of istio/lua/test, the wasm module in proxy-wasm-java-host on Chicory. The
# "alone" column is the harness or host without the filter, so filter minus alone is the filter's own cost.
# Usage: bench/edge-filters/run.sh [ITERATIONS] [ROUNDS]     writes bench/results/edge-filters.md
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations="${1:-5000}"
rounds="${2:-5}"
out=bench/results/edge-filters.md

command -v luajit >/dev/null || { echo "error: luajit not found: install the Debian package luajit" >&2; exit 1; }
# Builds the module (system-tests, generate-test-resources) and the host classes, and writes their classpath.
classpath="$(mktemp)"
trap 'rm -f "$classpath" "$out.tmp"' EXIT
mvn -B -o -q -pl system-tests -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test
module=system-tests/target/wasm/edge_tagging.wasm

{
  echo "# Edge filter: Lua vs wasm, per-request cost"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD), $(nproc) cores, $iterations iterations x $rounds rounds" \
       "(median), module sha256 $(sha256sum "$module" | cut -c1-12), $(luajit -v | cut -d' ' -f1-2), $(java -version 2>&1 | head -1)"
  echo
  echo "| runtime | profile | filter, ns/request | harness or host alone, ns | filter's own cost, ns |"
  echo "|---|---|---:|---:|---:|"
  { luajit bench/edge-filters/lua_cost.lua "$iterations" "$rounds"
    java -cp "system-tests/target/test-classes:$(cat "$classpath")" bench/edge-filters/EdgeFilterCost.java \
      "$module" bench/edge-filters/requests.json "$iterations" "$rounds"
  } | while IFS=$'\t' read -r runtime profile total alone; do
    echo "| $runtime | $profile | $total | $alone | $((total - alone)) |"
  done
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
