#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and
# kubelet from the Go module k8s.io/kubernetes at $KUBERNETES_VERSION.
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod requires the k8s.io/*
# staging modules at v0.0.0 and replaces them with ./staging paths, and a
# dependency's replace directives do not apply. A small wrapper module requires
# k8s.io/kubernetes and replaces every staging module with its published
# release (v1.X.Y -> v0.X.Y). The staging list is read from the release's own
# go.mod, so a version bump needs no edit here. One `go build` builds all five
# commands, so the packages they share compile once.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${KUBERNETES_VERSION:?set in test/cluster/versions.env}"

build_kubernetes() {
  local out=$1 work gomod info staging ver minor major date
  work=$out/src
  mkdir -p "$work"
  info=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION")
  gomod=$(printf '%s' "$info" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [ -f "$gomod" ] || die "kubernetes: go mod download gave no go.mod for $KUBERNETES_VERSION"
  # Staging modules: the left side of every `k8s.io/x => ./staging/...` line.
  staging=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9.-]*\) => \./staging/.*#\1#p' "$gomod")
  [ -n "$staging" ] || die "kubernetes: no staging replaces found in $gomod"
  ver=${KUBERNETES_VERSION#v}
  major=${ver%%.*}; minor=${ver#*.}; minor=${minor%%.*}
  local stagever="v0.${ver#*.}"
  # The build date is the release's own commit time (deterministic output).
  date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(dirname "$gomod")/$KUBERNETES_VERSION.info")
  {
    echo "module gvisor-iac.test/kubernetes"
    echo
    grep -E '^(go|godebug) ' "$gomod"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $stagever"; done
    echo ")"
  } > "$work/go.mod"
  log "kubernetes: wrapper module with $(echo "$staging" | wc -w) staging replaces => $stagever"
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (
    cd "$work"
    go mod download k8s.io/kubernetes
    go build -trimpath -ldflags "$ld" -o "$out/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl \
      k8s.io/kubernetes/cmd/kubelet
  )
  "$out/bin/kubectl" version --client | grep "Client Version: $KUBERNETES_VERSION" >/dev/null \
    || die "kubernetes: kubectl does not report $KUBERNETES_VERSION (version ldflags not applied)"
}

DIR=$(component_dir kubernetes "${BASH_SOURCE[0]}" "$KUBERNETES_VERSION" "$(go env GOVERSION)")
build_cached kubernetes "$DIR" build_kubernetes \
  kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet
