#!/usr/bin/env bash
# Fetches the prometheus-operator CRDs (ServiceMonitor, PrometheusRule) from the Go module proxy,
# checksum-verified by go, so the chart's monitoring objects can be validated by a real apiserver.
# Prints the folder holding them; cached by version.
set -euo pipefail
VERSION="${HAWK_PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"
OUT="${HAWK_CACHE:-$HOME/.cache/hawk}/tools/prometheus-operator-$VERSION/crds"
CRDS=(monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_prometheusrules.yaml)
if [ ! -f "$OUT/${CRDS[1]}" ]; then
  echo "fetching prometheus-operator $VERSION CRDs from the Go module proxy ..." >&2
  # Outside any module: `go mod download` then only fetches, it never edits a go.mod.
  dir=$(cd "$(mktemp -d)" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "go mod download gave no module folder" >&2; exit 1; }
  mkdir -p "$OUT"
  for crd in "${CRDS[@]}"; do cp "$dir/example/prometheus-operator-crd/$crd" "$OUT/"; done
fi
echo "$OUT"
