#!/usr/bin/env bash
# Builds the prometheus-operator from its Go module (the proxy; no image or release download is reachable here),
# the version whose CRDs fetch-monitoring-crds.sh installs, cached by version. Prints the binary's path.
# The lab test apps/server/test/deploy/chart-kube-prometheus-stack.test.ts runs it against the lab's apiserver to
# show which ServiceMonitors and PrometheusRules a kube-prometheus-stack Prometheus picks up.
set -euo pipefail
VERSION="${HAWK_PROMETHEUS_OPERATOR_VERSION:-v0.85.0}"
OUT="${HAWK_CACHE:-$HOME/.cache/hawk}/tools/prometheus-operator-$VERSION"
if [ ! -x "$OUT/operator" ]; then
  echo "building prometheus-operator $VERSION from the Go module proxy (several minutes) ..." >&2
  module=github.com/prometheus-operator/prometheus-operator
  dir=$(cd "$(mktemp -d)" && go mod download -json "$module@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "go mod download gave no module folder" >&2; exit 1; }
  src="$(mktemp -d)"
  trap 'rm -rf "$src"' EXIT
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  # The module's zip leaves out its nested modules (pkg/apis/monitoring, pkg/client) that go.mod replaces with
  # local folders: take them from the proxy at the same version instead.
  (cd "$src" && go mod edit -dropreplace=$module/pkg/client -dropreplace=$module/pkg/apis/monitoring &&
    GOFLAGS=-mod=mod go build -o "$OUT/operator.tmp" ./cmd/operator)
  mv -f "$OUT/operator.tmp" "$OUT/operator"
fi
echo "$OUT/operator"
