#!/usr/bin/env bash
# Fetches the prometheus-operator CRDs (all of them: ServiceMonitor and PrometheusRule validate the chart's objects,
# the rest let the operator itself run against the lab) from the Go module proxy, checksum-verified by go.
# Prints the folder holding them; cached by version.
set -euo pipefail
VERSION="${HAWK_PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"
OUT="${HAWK_CACHE:-$HOME/.cache/hawk}/tools/prometheus-operator-$VERSION/crds"
if [ ! -f "$OUT/monitoring.coreos.com_prometheuses.yaml" ]; then
  echo "fetching prometheus-operator $VERSION CRDs from the Go module proxy ..." >&2
  # Outside any module: `go mod download` then only fetches, it never edits a go.mod.
  dir=$(cd "$(mktemp -d)" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "go mod download gave no module folder" >&2; exit 1; }
  mkdir -p "$OUT"
  cp "$dir"/example/prometheus-operator-crd/monitoring.coreos.com_*.yaml "$OUT/"
fi
echo "$OUT"
