#!/usr/bin/env bash
# Copies the groups of prometheus/strangler-gateway.rules.yml (the plain Prometheus rules file) into the
# PrometheusRule, below its "spec:" line. Run after editing the rules; MonitoringRulesTest fails until you do.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp)
awk '{ print } /^spec:$/ { exit }' prometheusrule.yaml > "$tmp"
grep -q '^spec:$' "$tmp" || { echo "no 'spec:' line in prometheusrule.yaml" >&2; rm -f "$tmp"; exit 1; }
sed -n '/^groups:/,$p' prometheus/strangler-gateway.rules.yml | awk '{ if (length($0) > 0) print "  " $0; else print "" }' >> "$tmp"
chmod 644 "$tmp"
mv "$tmp" prometheusrule.yaml
echo "copied prometheus/strangler-gateway.rules.yml into prometheusrule.yaml"
