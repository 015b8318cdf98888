#!/usr/bin/env bash
# Copies edge-tagging.lua into the manifests that inline it (the Lua block is the last thing in each).
# Run after editing the .lua file; EnvoyFilterLuaTest and TrafficExtensionTest fail until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
inline() { # file, marker line, indent
  local file=$1 marker=$2 indent=$3 tmp
  tmp=$(mktemp)
  awk -v marker="$marker" '{ print } index($0, marker) { exit }' "$file" > "$tmp"
  grep -qF "$marker" "$tmp" || { echo "marker '$marker' not found in $file" >&2; rm -f "$tmp"; exit 1; }
  awk -v pad="$indent" '{ if (length($0) > 0) print pad $0; else print "" }' lua/edge-tagging.lua >> "$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$file"
}
inline envoyfilter-edge-tagging.yaml "inline_string: |" "                "
inline optional/trafficextension-edge-tagging.yaml "inlineCode: |" "      "
echo "inlined lua/edge-tagging.lua into envoyfilter-edge-tagging.yaml and optional/trafficextension-edge-tagging.yaml"
