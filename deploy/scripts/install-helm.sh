#!/usr/bin/env bash
# Builds helm from the Go module proxy (no release download is reachable here), cached by version.
set -euo pipefail
HELM_VERSION="${HAWK_HELM_VERSION:-v3.22.0}"
BIN="${HAWK_CACHE:-$HOME/.cache/hawk}/tools/helm-$HELM_VERSION"
if [ ! -x "$BIN/helm" ]; then
  echo "building helm $HELM_VERSION ..."
  GOBIN="$BIN" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
echo "$BIN/helm"
