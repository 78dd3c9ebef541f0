#!/usr/bin/env bash
# Builds helm from the Go module proxy (no release download is reachable here), cached by version.
# With the Kubernetes version of its client libraries stamped in, as helm's own Makefile does: without it `helm
# template` and `helm lint` assume Kubernetes v1.20 and refuse the chart's kubeVersion.
set -euo pipefail
HELM_VERSION="${HAWK_HELM_VERSION:-v3.22.0}"
# helm v3.22.0's go.mod: k8s.io/client-go v0.37.0, i.e. Kubernetes 1.37.
K8S_MINOR="${HAWK_HELM_K8S_MINOR:-37}"
BIN="${HAWK_CACHE:-$HOME/.cache/hawk}/tools/helm-$HELM_VERSION"
STAMP="$BIN/.kube-version-1.$K8S_MINOR"
if [ ! -x "$BIN/helm" ] || [ ! -f "$STAMP" ]; then
  echo "building helm $HELM_VERSION ..."
  mkdir -p "$(dirname "$BIN")"
  staging="$(mktemp -d "$BIN.build.XXXXXX")"
  x="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
  for pkg in pkg/chartutil pkg/lint/rules; do
    x="$x -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$K8S_MINOR"
  done
  GOBIN="$staging" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w $x" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  mkdir -p "$BIN"
  # Replaced in one rename: tests running meanwhile keep a whole binary.
  mv -f "$staging/helm" "$BIN/helm" && rm -rf "$staging" && touch "$STAMP"
fi
echo "$BIN/helm"
