#!/usr/bin/env bash
# Puts the edge filter's wasm module on the Istio ingress gateway, without an OCI registry:
#   1. builds istio/wasm/edge_tagging.rs (build.sh) and checks its sha256 against the one pinned in
#      istio/optional/wasmplugin-edge-tagging.yaml;
#   2. publishes the module as the ConfigMap edge-wasm-modules, served by istio/optional/edge-wasm-server.yaml;
#   3. applies the WasmPlugin, then removes the Lua EnvoyFilter (never run both: the tagging would run twice).
# Usage: istio/wasm/deploy.sh          deploy to the cluster of the current kubectl context
#        istio/wasm/deploy.sh --pin    only write the sha256 of a fresh build into the WasmPlugin manifest
#                                      (after a change to edge_tagging.rs or to the compiler; commit the result)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
manifest="$root/istio/optional/wasmplugin-edge-tagging.yaml"
server="$root/istio/optional/edge-wasm-server.yaml"
namespace=strangler-edge-modules
configmap=edge-wasm-modules

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
module="$work/edge_tagging.wasm"
"$root/istio/wasm/build.sh" "$module"
built="$(sha256sum "$module" | cut -d' ' -f1)"
pinned="$(sed -n 's/^  sha256: *\([0-9a-f]*\)$/\1/p' "$manifest")"

if [ "${1:-}" = "--pin" ]; then
  sed -i "s/^  sha256: .*/  sha256: $built/" "$manifest"
  echo "pinned sha256 $built in ${manifest#"$root"/}"
  exit 0
fi
if [ "$built" != "$pinned" ]; then
  echo "error: the module built from this checkout has sha256 $built, but ${manifest#"$root"/} pins $pinned;" \
       "run istio/wasm/deploy.sh --pin and commit the manifest (or build with the compiler it was pinned with)" >&2
  exit 1
fi

kubectl apply -f "$server"
kubectl -n "$namespace" create configmap "$configmap" --from-file=edge_tagging.wasm="$module" \
  --dry-run=client -o yaml | kubectl apply -f -
# A changed ConfigMap reaches the mounted volume within a kubelet sync; restart so the server has it now.
kubectl -n "$namespace" rollout restart deployment/edge-wasm-server
kubectl -n "$namespace" rollout status deployment/edge-wasm-server --timeout=120s
kubectl apply -f "$manifest"
kubectl -n istio-system delete envoyfilter strangler-edge-tagging --ignore-not-found
echo "deployed the edge filter's wasm module (sha256 $built); check the gateway with:"
echo "  kubectl -n istio-system logs deploy/istio-ingressgateway | grep -i wasm"
