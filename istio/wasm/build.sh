#!/usr/bin/env bash
# Builds the edge filter's proxy-wasm module from istio/wasm/edge_tagging.rs with Debian's rustc.
# Usage: istio/wasm/build.sh [output.wasm]   (default: system-tests/target/wasm/edge_tagging.wasm)
# `mvn verify` runs it (system-tests, phase generate-test-resources). The output is reproducible:
# the same source and the same rustc give the same bytes (no debug info, no symbols, source paths
# remapped), which is what lets istio/optional/wasmplugin-edge-tagging.yaml pin its sha256.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../system-tests/target/wasm/edge_tagging.wasm}"

# Debian's rustc, not a rustup one on PATH: that one has no wasm32 standard library here.
RUSTC=/usr/bin/rustc
TARGET=wasm32-unknown-unknown
if [ ! -x "$RUSTC" ]; then
  echo "error: $RUSTC not found: install the Debian packages rustc and libstd-rust-dev-wasm32" \
       "(apt-get install -y rustc libstd-rust-dev-wasm32)" >&2
  exit 1
fi
if [ ! -d "$("$RUSTC" --print sysroot)/lib/rustlib/$TARGET/lib" ]; then
  echo "error: $RUSTC has no $TARGET target library: install the Debian package libstd-rust-dev-wasm32" \
       "(apt-get install -y libstd-rust-dev-wasm32)" >&2
  exit 1
fi

# rustc links wasm with rust-lld, which Debian's rustc package links to lld-14 but only suggests installing.
if [ ! -e /usr/bin/rust-lld ]; then
  echo "error: /usr/bin/rust-lld does not resolve to a linker: install the Debian package lld-14" \
       "(apt-get install -y lld-14)" >&2
  exit 1
fi

mkdir -p "$(dirname "$out")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$here"
"$RUSTC" --edition 2021 --crate-type cdylib --crate-name edge_tagging --target "$TARGET" \
  -C opt-level=s -C panic=abort -C lto -C codegen-units=1 -C debuginfo=0 -C strip=symbols \
  --remap-path-prefix="$here=istio/wasm" \
  -o "$tmp/edge_tagging.wasm" edge_tagging.rs
mv "$tmp/edge_tagging.wasm" "$out"
echo "built $out ($(wc -c < "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1), $("$RUSTC" --version))"
