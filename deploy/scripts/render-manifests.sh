#!/usr/bin/env bash
# Renders deploy/manifests/hawk.yaml from the Helm chart, for those who apply plain manifests.
# The token Secret is left to the user (`auth.existingSecret`): a rendered file must not ship one
# random token to everyone. A test fails when this file and the chart disagree. HAWK_MANIFESTS_OUT writes elsewhere
# (scripts/release compares a fresh render with the committed file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
helm="${HAWK_HELM:-$(bash "$root/deploy/scripts/install-helm.sh" | tail -n 1)}"
out="${HAWK_MANIFESTS_OUT:-$root/deploy/manifests/hawk.yaml}"
{
  echo "# Rendered from deploy/helm/hawk by deploy/scripts/render-manifests.sh; do not edit by hand."
  echo "# Namespace hawk, release hawk. Before applying, create the namespace and the API token:"
  echo "#   kubectl create namespace hawk"
  echo "#   kubectl -n hawk create secret generic hawk-token --from-literal=token=\"\$(openssl rand -hex 20)\""
  "$helm" template hawk "$root/deploy/helm/hawk" --namespace hawk --set auth.existingSecret=hawk-token
} > "$out"
echo "$out"
