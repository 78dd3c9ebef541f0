#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm and etcd from the Go module proxy,
# and the worker nodes' kubelet and kube-proxy (`pnpm lab up --workers N`) plus their pause image's binary.
# kubeadm writes the lab's certificates, kubeconfigs and static-pod manifests, so it comes from the same release.
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging modules with ./staging
# paths), so we build from a throwaway wrapper module whose replace list is generated from the
# release's own go.mod. Everything is cached outside the repo, keyed by version.
set -euo pipefail

K8S_VERSION="${HAWK_K8S_VERSION:-v1.36.3}"
CACHE_ROOT="${HAWK_CACHE:-$HOME/.cache/hawk}"
OUT="$CACHE_ROOT/k8s/$K8S_VERSION/bin"
WRAPPER="$CACHE_ROOT/k8s/$K8S_VERSION/wrapper"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubeadm etcd kubelet kube-proxy pause)

# CoreDNS for the worker nodes' cluster DNS, at the release kubeadm deploys; keep in step with workers/dns.ts.
# Built by default (HAWK_LAB_COREDNS=0 skips it): hawk's chart reaches its backend by Service name.
COREDNS_VERSION="${HAWK_COREDNS_VERSION:-v1.14.2}"
COREDNS_OUT="$CACHE_ROOT/coredns/$COREDNS_VERSION"
# The plugins of kubeadm's Corefile, plus log, hosts and whoami for debugging. CoreDNS's documented custom build (trim
# plugin.cfg, go generate): every plugin pulls in each cloud provider's SDK, ~15 min of a cold build instead of ~3.
COREDNS_PLUGINS='reload|ready|health|prometheus|errors|log|loadbalance|cache|hosts|kubernetes|loop|forward|whoami'
want_coredns() { [ "${HAWK_LAB_COREDNS:-1}" = 1 ]; }

all_built() {
  for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || return 1; done
  ! want_coredns || [ -x "$COREDNS_OUT/coredns" ]
}
if all_built; then echo "lab binaries $K8S_VERSION: cached in $OUT"; exit 0; fi

command -v go >/dev/null || {
  echo "go is not on PATH: the lab builds Kubernetes from source and needs Go" >&2
  exit 1
}
mkdir -p "$OUT" "$WRAPPER"
started=$(date +%s)

# 1. Fetch the release and derive the replace list from its go.mod.
k8s_dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -d "$k8s_dir" ] || { echo "could not download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
staging_version="v0.${K8S_VERSION#v1.}"
go_directive=$(sed -n 's/^go \(.*\)$/\1/p' "$k8s_dir/go.mod")

{
  echo "module hawk.local/labbuild"
  echo
  echo "go $go_directive"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$k8s_dir/go.mod"
  echo ")"
} > "$WRAPPER/go.mod"
cat > "$WRAPPER/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
echo "wrapper module: $(grep -c '=> k8s.io' "$WRAPPER/go.mod") staging replaces (from $K8S_VERSION go.mod)"

cd "$WRAPPER"
# etcd server/v3 is only an indirect dependency of kubernetes; requiring it at the version MVS selects
# keeps etcd at exactly the release's choice.
go mod tidy >/dev/null 2>&1 || true
etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
echo "etcd version selected by $K8S_VERSION: $etcd_version"

# 2. Build with real version stamps so /version answers truthfully.
git_commit="0000000000000000000000000000000000000000"
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
ver_pkg=k8s.io/component-base/version
ldflags="-s -w -X $ver_pkg.gitVersion=$K8S_VERSION -X $ver_pkg.gitMajor=1 -X $ver_pkg.gitMinor=$minor"
ldflags="$ldflags -X $ver_pkg.gitTreeState=clean -X $ver_pkg.gitCommit=$git_commit -X $ver_pkg.buildDate=$build_date"
client_pkg=k8s.io/client-go/pkg/version
ldflags="$ldflags -X $client_pkg.gitVersion=$K8S_VERSION -X $client_pkg.gitMajor=1 -X $client_pkg.gitMinor=$minor"
export CGO_ENABLED=0
# Two cores and linking kube-apiserver peaks near 2 GiB: one package build at a time is the safe default.
parallel="${HAWK_BUILD_JOBS:-2}"
for b in kube-apiserver kube-controller-manager kube-scheduler kubeadm kubelet kube-proxy; do
  [ -x "$OUT/$b" ] && continue
  echo "building $b $K8S_VERSION ..."
  go build -p "$parallel" -trimpath -ldflags "$ldflags" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b"
  mv "$OUT/$b.tmp" "$OUT/$b"
done
if [ ! -x "$OUT/etcd" ]; then
  echo "building etcd $etcd_version ..."
  go build -p "$parallel" -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi
# The pod sandbox's pause process, from the release's own C source (static, so the image is FROM scratch).
if [ ! -x "$OUT/pause" ]; then
  command -v gcc >/dev/null || {
    echo "gcc is not on PATH: the worker pause image is compiled from build/pause/linux/pause.c" >&2
    exit 1
  }
  gcc -Os -static -Wall -Werror -DVERSION="$K8S_VERSION-hawk" -o "$OUT/pause.tmp" "$k8s_dir/build/pause/linux/pause.c"
  mv "$OUT/pause.tmp" "$OUT/pause"
fi
if want_coredns && [ ! -x "$COREDNS_OUT/coredns" ]; then
  echo "building coredns $COREDNS_VERSION (plugins: ${COREDNS_PLUGINS//|/ }) ..."
  coredns_mod=$(cd "$CACHE_ROOT" && go mod download -json "github.com/coredns/coredns@$COREDNS_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$coredns_mod" ] || { echo "could not download github.com/coredns/coredns@$COREDNS_VERSION" >&2; exit 1; }
  coredns_src="$CACHE_ROOT/coredns/$COREDNS_VERSION-src"
  rm -rf "$coredns_src" && mkdir -p "$COREDNS_OUT" && cp -r "$coredns_mod" "$coredns_src" && chmod -R u+w "$coredns_src"
  {
    grep '^#' "$coredns_mod/plugin.cfg"
    grep -E "^($COREDNS_PLUGINS):" "$coredns_mod/plugin.cfg"
  } > "$coredns_src/plugin.cfg"
  ( cd "$coredns_src" && go generate coredns.go &&
    go build -p "$parallel" -trimpath -ldflags "-s -w" -o "$COREDNS_OUT/coredns.tmp" . )
  mv "$COREDNS_OUT/coredns.tmp" "$COREDNS_OUT/coredns"
  rm -rf "$coredns_src"
fi
echo "$etcd_version" > "$OUT/etcd.version"
echo "lab binaries built in $(( $(date +%s) - started ))s into $OUT"
